import { LazyPlane } from '../image/lazy-plane';
import type { BinaryMask } from './binary-mask';

/**
 * A {@link BinaryMask} whose `data` is built on its first read (then kept): for a session state's mask, which
 * every operation produces at full image size and many callers never read (a label map, a snapshot or the
 * `prediction` event's own drawing may be all they use).
 */
export class LazyBinaryMask extends LazyPlane<Uint8Array> implements BinaryMask {}
