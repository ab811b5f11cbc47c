import { join, resolve } from 'node:path';
import { DatasetError } from '../../errors';
import type { EvalDataset, EvalSample } from '../../eval/eval-sample';
import { decodeImageFile } from '../decode-image';
import { readGroundTruthFile, type MaskEncoding } from '../decode-mask';
import type { DatasetOptions } from './dataset-options';
import { listImageFiles, masksByStem, nameBeforeFirstDot, requireDirectory, sourcePath } from './dataset-files';

/** Folder layout and mask rule of a dataset with one object per image. */
export interface SingleObjectLayout {
  readonly defaultName: string;
  readonly imagesFolder: string;
  readonly masksFolder: string;
  readonly maskEncoding: MaskEncoding;
}

/** GrabCut: `data_GT/*` images, `boundary_GT/*.bmp` masks, 128 = ignore band (mask rule `'grabcut'`). */
export const GRABCUT_LAYOUT: SingleObjectLayout = Object.freeze({
  defaultName: 'GrabCut',
  imagesFolder: 'data_GT',
  masksFolder: 'boundary_GT',
  maskEncoding: 'grabcut',
});

/** Berkeley: `images/*.jpg`, `masks/*.png`, the same mask rule as GrabCut (the official loader is GrabCut's). */
export const BERKELEY_LAYOUT: SingleObjectLayout = Object.freeze({
  defaultName: 'Berkeley',
  imagesFolder: 'images',
  masksFolder: 'masks',
  maskEncoding: 'grabcut',
});

/** DAVIS (the 345-frame interactive-segmentation subset): `img/*.jpg`, `gt/*.png`, any non-zero = object. */
export const DAVIS_LAYOUT: SingleObjectLayout = Object.freeze({
  defaultName: 'DAVIS',
  imagesFolder: 'img',
  masksFolder: 'gt',
  maskEncoding: 'any-nonzero',
});

/** COCO_MVal: same layout and rule as DAVIS (the official code loads it with the DAVIS loader). */
export const COCO_MVAL_LAYOUT: SingleObjectLayout = Object.freeze({ ...DAVIS_LAYOUT, defaultName: 'COCO_MVal' });

/**
 * A dataset with one object per image file (GrabCut, Berkeley, DAVIS, COCO_MVal): samples are the image files
 * sorted by name; each image's mask is the mask file whose stem equals the image name cut at its first dot.
 */
export class SingleObjectDataset implements EvalDataset {
  private constructor(
    readonly name: string,
    readonly rootPath: string,
    private readonly layout: SingleObjectLayout,
    private readonly pairs: readonly { imageName: string; maskName: string }[],
    private readonly options: DatasetOptions,
  ) {}

  /**
   * Lists and pairs the files (no pixel is decoded yet).
   * @throws DatasetError when a folder is missing, holds no image, or an image has no mask.
   */
  static async create(
    rootPath: string,
    layout: SingleObjectLayout,
    options: DatasetOptions = {},
  ): Promise<SingleObjectDataset> {
    const root = resolve(rootPath);
    const imagesPath = join(root, layout.imagesFolder);
    const masksPath = join(root, layout.masksFolder);
    const expected = `${layout.defaultName} layout: ${layout.imagesFolder}/ and ${layout.masksFolder}/`;
    await requireDirectory(imagesPath, expected);
    await requireDirectory(masksPath, expected);
    const imageNames = await listImageFiles(imagesPath);
    if (imageNames.length === 0) throw new DatasetError(`no image files in ${imagesPath}`);
    const masks = await masksByStem(masksPath);
    const pairs = imageNames.map((imageName) => {
      const maskName = masks.get(nameBeforeFirstDot(imageName));
      if (maskName === undefined) {
        throw new DatasetError(
          `image ${imageName} has no mask named ${nameBeforeFirstDot(imageName)}.* in ${masksPath}`,
        );
      }
      return { imageName, maskName };
    });
    return new SingleObjectDataset(options.name ?? layout.defaultName, root, layout, pairs, options);
  }

  /** One object per image. */
  get count(): number {
    return this.pairs.length;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<EvalSample> {
    const { layout, rootPath, options } = this;
    for (const { imageName, maskName } of this.pairs) {
      const imagePath = join(rootPath, layout.imagesFolder, imageName);
      const maskPath = join(rootPath, layout.masksFolder, maskName);
      const image = await decodeImageFile(imagePath, options.decode);
      const { gt, ignore } = await readGroundTruthFile(maskPath, layout.maskEncoding, options.decode);
      if (gt.width !== image.width || gt.height !== image.height) {
        throw new DatasetError(
          `mask ${maskPath} is ${gt.width} x ${gt.height}, image ${imagePath} is ${image.width} x ${image.height}`,
        );
      }
      yield {
        id: `${this.name}/${nameBeforeFirstDot(imageName)}`,
        image,
        gt,
        ...(ignore ? { ignore } : {}),
        imageSource: sourcePath(imagePath, rootPath, options.sourceBase),
        maskSource: sourcePath(maskPath, rootPath, options.sourceBase),
      };
    }
  }
}

/** GrabCut (50 images). See {@link GRABCUT_LAYOUT}. */
export function openGrabCutDataset(rootPath: string, options?: DatasetOptions): Promise<SingleObjectDataset> {
  return SingleObjectDataset.create(rootPath, GRABCUT_LAYOUT, options);
}

/** Berkeley (100 objects on 96 images; images of objects that share one are duplicated). See {@link BERKELEY_LAYOUT}. */
export function openBerkeleyDataset(rootPath: string, options?: DatasetOptions): Promise<SingleObjectDataset> {
  return SingleObjectDataset.create(rootPath, BERKELEY_LAYOUT, options);
}

/** DAVIS (345 frames). See {@link DAVIS_LAYOUT}. */
export function openDavisDataset(rootPath: string, options?: DatasetOptions): Promise<SingleObjectDataset> {
  return SingleObjectDataset.create(rootPath, DAVIS_LAYOUT, options);
}

/** COCO_MVal (800 objects). See {@link COCO_MVAL_LAYOUT}. */
export function openCocoMvalDataset(rootPath: string, options?: DatasetOptions): Promise<SingleObjectDataset> {
  return SingleObjectDataset.create(rootPath, COCO_MVAL_LAYOUT, options);
}
