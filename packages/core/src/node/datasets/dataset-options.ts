import type { DecodeImageOptions } from '../decode-image';

/** Options shared by the dataset loaders. */
export interface DatasetOptions {
  /** Dataset name for ids, tables and plots; each loader has its own default (e.g. `GrabCut`). */
  readonly name?: string;
  /** Options for decoding images and masks (pixel limit). */
  readonly decode?: Partial<DecodeImageOptions>;
  /**
   * Folder that the samples' `imageSource` / `maskSource` paths are relative to. Default: the parent of the
   * dataset folder (`GrabCut/data_GT/106024.jpg`); {@link openDataset} passes the data root.
   */
  readonly sourceBase?: string;
}
