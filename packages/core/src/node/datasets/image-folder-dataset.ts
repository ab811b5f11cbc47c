import { join, resolve } from 'node:path';
import { DatasetError } from '../../errors';
import type { EvalDataset, EvalSample } from '../../eval/eval-sample';
import { decodeImageFile } from '../decode-image';
import { readGroundTruthFile, type MaskEncoding } from '../decode-mask';
import type { DatasetOptions } from './dataset-options';
import { listImageFiles, requireDirectory, sourcePath, stemOf } from './dataset-files';

/** Options of {@link openImageFolderDataset}. */
export interface ImageFolderDatasetOptions extends DatasetOptions {
  /** Sub-folder with the images. Default `images`. */
  readonly imagesFolder?: string;
  /** Sub-folder with the masks. Default `masks`. */
  readonly masksFolder?: string;
  /**
   * How masks encode the object. Default `'blue-128'` like the official images-folder loader (> 128 object,
   * 128 ignore): a 0/1 mask reads as empty there, use `'any-nonzero'` for those.
   */
  readonly maskEncoding?: MaskEncoding;
}

/**
 * Your own images and masks (the official `ImagesDirDataset` layout): `images/<name>.<ext>` and, per object, a
 * mask `masks/<name>.<ext>` or `masks/<name>_<number>.<ext>` (several objects per image). Samples follow the
 * image names in code-point order, the objects of one image its mask names in that order; every image needs at
 * least one mask and every mask an image.
 */
export class ImageFolderDataset implements EvalDataset {
  private constructor(
    readonly name: string,
    readonly rootPath: string,
    private readonly images: readonly { imageName: string; maskNames: readonly string[] }[],
    private readonly settings: Required<
      Pick<ImageFolderDatasetOptions, 'imagesFolder' | 'masksFolder' | 'maskEncoding'>
    >,
    private readonly options: DatasetOptions,
  ) {}

  /** @throws DatasetError when a folder is missing or empty, or an image and its masks do not pair up. */
  static async create(rootPath: string, options: ImageFolderDatasetOptions = {}): Promise<ImageFolderDataset> {
    const settings = {
      imagesFolder: options.imagesFolder ?? 'images',
      masksFolder: options.masksFolder ?? 'masks',
      maskEncoding: options.maskEncoding ?? 'blue-128',
    } as const;
    const root = resolve(rootPath);
    const imagesPath = join(root, settings.imagesFolder);
    const masksPath = join(root, settings.masksFolder);
    const layout = `image folder layout: ${settings.imagesFolder}/ and ${settings.masksFolder}/`;
    await requireDirectory(imagesPath, layout);
    await requireDirectory(masksPath, layout);

    const imageNames = await listImageFiles(imagesPath);
    if (imageNames.length === 0) throw new DatasetError(`no image files in ${imagesPath}`);
    const masksOf = new Map<string, string[]>();
    for (const imageName of imageNames) {
      const stem = stemOf(imageName);
      if (masksOf.has(stem)) throw new DatasetError(`two images named ${stem}.* in ${imagesPath}`);
      masksOf.set(stem, []);
    }
    for (const maskName of await listImageFiles(masksPath)) {
      const stem = stemOf(maskName);
      const numbered = /^(.*)_\d+$/.exec(stem);
      const owner = masksOf.has(stem) ? stem : numbered && masksOf.has(numbered[1]) ? numbered[1] : undefined;
      if (owner === undefined) throw new DatasetError(`mask ${maskName} matches no image in ${imagesPath}`);
      masksOf.get(owner)!.push(maskName);
    }
    const images = imageNames.map((imageName) => {
      const maskNames = masksOf.get(stemOf(imageName))!;
      if (maskNames.length === 0) throw new DatasetError(`image ${imageName} has no mask in ${masksPath}`);
      return { imageName, maskNames };
    });
    return new ImageFolderDataset(options.name ?? 'images', root, images, settings, options);
  }

  /** Number of masks = objects. */
  get count(): number {
    return this.images.reduce((sum, image) => sum + image.maskNames.length, 0);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<EvalSample> {
    const { rootPath, settings, options } = this;
    for (const { imageName, maskNames } of this.images) {
      const imagePath = join(rootPath, settings.imagesFolder, imageName);
      const image = await decodeImageFile(imagePath, options.decode);
      for (const maskName of maskNames) {
        const maskPath = join(rootPath, settings.masksFolder, maskName);
        const { gt, ignore } = await readGroundTruthFile(maskPath, settings.maskEncoding, options.decode);
        if (gt.width !== image.width || gt.height !== image.height) {
          throw new DatasetError(
            `mask ${maskPath} is ${gt.width} x ${gt.height}, image ${imagePath} is ${image.width} x ${image.height}`,
          );
        }
        yield {
          id: `${this.name}/${stemOf(maskName)}`,
          image,
          gt,
          ...(ignore ? { ignore } : {}),
          imageSource: sourcePath(imagePath, rootPath, options.sourceBase),
          maskSource: sourcePath(maskPath, rootPath, options.sourceBase),
        };
      }
    }
  }
}

/** Opens a folder of images and masks; see {@link ImageFolderDataset}. */
export function openImageFolderDataset(
  rootPath: string,
  options?: ImageFolderDatasetOptions,
): Promise<ImageFolderDataset> {
  return ImageFolderDataset.create(rootPath, options);
}
