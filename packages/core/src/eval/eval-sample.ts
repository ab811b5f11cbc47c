import type { RgbImage } from '../image/rgb-image';
import type { BinaryMask } from '../mask/binary-mask';

/** One object to segment in the automatic evaluation: an image and the object's ground truth. */
export interface EvalSample {
  /** Stable id, e.g. `GrabCut/106024` or `ssTEM/03#12` (dataset / image name [# object index]). */
  readonly id: string;
  /** The image (RGB, EXIF orientation applied). Objects of the same image may share one instance. */
  readonly image: RgbImage;
  /** Ground truth, 1 = object, same size as the image. */
  readonly gt: BinaryMask;
  /** Pixels that count neither right nor wrong (1 = ignored), e.g. GrabCut's boundary band. Optional. */
  readonly ignore?: BinaryMask;
  /** Where the image came from (a path relative to the data root, or any label); for reports only. */
  readonly imageSource?: string;
  /** Where the mask came from; for reports only. */
  readonly maskSource?: string;
}

/**
 * A dataset for the evaluation: the samples in the official order, one per object, produced lazily (so the time
 * spent loading images counts in SPC like in the official loop), and the number of objects.
 */
export interface EvalDataset extends AsyncIterable<EvalSample> {
  /** Dataset name for tables and plots, e.g. `GrabCut`. */
  readonly name: string;
  /** Number of objects (samples) the iteration yields. */
  readonly count: number;
}
