import type { FloatMap } from './float-map';
import { LazyPlane } from './lazy-plane';

/**
 * A {@link FloatMap} whose `data` is built on its first read (then kept): for results that carry a full-size map
 * most callers never look at, such as the probabilities of a click on a 2-megapixel image.
 */
export class LazyFloatMap extends LazyPlane<Float32Array> implements FloatMap {}
