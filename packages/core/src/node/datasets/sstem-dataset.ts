import { join, resolve } from 'node:path';
import { DatasetError, InvalidArgumentError } from '../../errors';
import type { EvalDataset, EvalSample } from '../../eval/eval-sample';
import { createBinaryMask } from '../../mask/binary-mask';
import { labelConnectedComponents, type ConnectedComponents } from '../../mask/connected-components';
import { decodeImageFile } from '../decode-image';
import { blueChannel } from '../decode-mask';
import type { DatasetOptions } from './dataset-options';
import { listImageFiles, masksByStem, nameBeforeFirstDot, requireDirectory, sourcePath } from './dataset-files';

/** Options of {@link openSsTemDataset}. */
export interface SsTemDatasetOptions extends DatasetOptions {
  /**
   * Leave out instances smaller than this many pixels. Default 0: keep every component, specks included, as the
   * official loader does (391 instances on stack 1 of the copy in shared/data).
   */
  readonly minInstanceAreaPx?: number;
}

/** ssTEM folder names (stack 1 of the Drosophila VNC data set): gray TIFF slices and mitochondria masks. */
export const SSTEM_LAYOUT = Object.freeze({ imagesFolder: 'raw', masksFolder: 'mitochondria' });

/**
 * ssTEM (electron microscopy, SimpleClick's medical benchmark): images `raw/*.tif`, masks `mitochondria/<name>.png`;
 * every 4-connected component of the mask's non-zero pixels (the blue channel, as OpenCV reads it) is one object,
 * numbered in row-major order of its first pixel. Opening decodes each mask once to count the objects.
 */
export class SsTemDataset implements EvalDataset {
  private constructor(
    readonly name: string,
    readonly rootPath: string,
    private readonly slices: readonly { imageName: string; maskName: string; objectCount: number }[],
    private readonly minInstanceAreaPx: number,
    private readonly options: DatasetOptions,
  ) {}

  /**
   * @param rootPath - the folder with `raw/` and `mitochondria/` (e.g. `ssTEM/stack1`); a folder whose `stack1/`
   *   has them is accepted too.
   * @throws DatasetError when the layout is missing or an image has no mask; InvalidArgumentError for a bad option.
   */
  static async create(rootPath: string, options: SsTemDatasetOptions = {}): Promise<SsTemDataset> {
    const minInstanceAreaPx = options.minInstanceAreaPx ?? 0;
    if (!(minInstanceAreaPx >= 0)) {
      throw new InvalidArgumentError(`minInstanceAreaPx must be >= 0, got ${minInstanceAreaPx}`);
    }
    let root = resolve(rootPath);
    if (!(await isDirectory(join(root, SSTEM_LAYOUT.imagesFolder))) && (await isDirectory(join(root, 'stack1')))) {
      root = join(root, 'stack1');
    }
    const imagesPath = join(root, SSTEM_LAYOUT.imagesFolder);
    const masksPath = join(root, SSTEM_LAYOUT.masksFolder);
    await requireDirectory(imagesPath, 'ssTEM layout: raw/ and mitochondria/');
    await requireDirectory(masksPath, 'ssTEM layout: raw/ and mitochondria/');
    const imageNames = await listImageFiles(imagesPath, ['.tif', '.tiff']);
    if (imageNames.length === 0) throw new DatasetError(`no .tif images in ${imagesPath}`);
    const masks = await masksByStem(masksPath, ['.png']);
    const slices = [];
    for (const imageName of imageNames) {
      const maskName = masks.get(nameBeforeFirstDot(imageName));
      if (maskName === undefined) throw new DatasetError(`image ${imageName} has no mask in ${masksPath}`);
      const components = await readComponents(join(masksPath, maskName), options);
      slices.push({ imageName, maskName, objectCount: keptLabels(components, minInstanceAreaPx).length });
    }
    return new SsTemDataset(options.name ?? 'ssTEM', root, slices, minInstanceAreaPx, options);
  }

  /** Number of instances over all slices. */
  get count(): number {
    return this.slices.reduce((sum, slice) => sum + slice.objectCount, 0);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<EvalSample> {
    const { rootPath, options } = this;
    for (const { imageName, maskName } of this.slices) {
      const imagePath = join(rootPath, SSTEM_LAYOUT.imagesFolder, imageName);
      const maskPath = join(rootPath, SSTEM_LAYOUT.masksFolder, maskName);
      const image = await decodeImageFile(imagePath, options.decode);
      const components = await readComponents(maskPath, options);
      const { width, height } = image;
      if (components.labels.length !== width * height) {
        throw new DatasetError(`mask ${maskPath} does not have the size of ${imagePath} (${width} x ${height})`);
      }
      const pixelsOf = pixelsByLabel(components);
      for (const label of keptLabels(components, this.minInstanceAreaPx)) {
        const gt = createBinaryMask(width, height);
        for (const index of pixelsOf(label)) gt.data[index] = 1;
        yield {
          id: `${this.name}/${nameBeforeFirstDot(imageName)}#${label}`,
          image,
          gt,
          imageSource: sourcePath(imagePath, rootPath, options.sourceBase),
          maskSource: sourcePath(maskPath, rootPath, options.sourceBase),
        };
      }
    }
  }
}

/** ssTEM; see {@link SsTemDataset}. */
export function openSsTemDataset(rootPath: string, options?: SsTemDatasetOptions): Promise<SsTemDataset> {
  return SsTemDataset.create(rootPath, options);
}

async function readComponents(maskPath: string, options: DatasetOptions): Promise<ConnectedComponents> {
  const mask = await decodeImageFile(maskPath, options.decode);
  // Any non-zero value is foreground, as for cv2.connectedComponents (the masks are anti-aliased, 0..255).
  const foreground = blueChannel(mask).map((value) => (value !== 0 ? 1 : 0));
  return labelConnectedComponents({ width: mask.width, height: mask.height, data: foreground }, { connectivity: 4 });
}

/** Pixel indices of each label, grouped once per slice (a counting sort), so each object costs its area only. */
function pixelsByLabel(components: ConnectedComponents): (label: number) => Int32Array {
  const { labels, count, areasPx: areas } = components;
  const starts = new Int32Array(count + 2);
  for (let label = 1; label <= count; label++) starts[label + 1] = starts[label] + areas[label];
  const next = starts.slice();
  const indices = new Int32Array(starts[count + 1]);
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) indices[next[labels[i]]++] = i;
  return (label) => indices.subarray(starts[label], starts[label + 1]);
}

function keptLabels(components: ConnectedComponents, minAreaPx: number): number[] {
  const labels: number[] = [];
  for (let label = 1; label <= components.count; label++) {
    if (components.areasPx[label] >= minAreaPx) labels.push(label);
  }
  return labels;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    await requireDirectory(path);
    return true;
  } catch {
    return false;
  }
}
