import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { EvalDataset, EvalSample } from '@simpleclick/core/eval';
import {
  openBerkeleyDataset,
  openCocoMvalDataset,
  openDavisDataset,
  openGrabCutDataset,
  openImageFolderDataset,
  openSsTemDataset,
} from '@simpleclick/core/eval';
import { type DecodeImageOptions } from '@simpleclick/core/node';
import { CommandError } from '../cli-errors';

/** Folder layouts `simpleclick eval --layout` reads (the loaders of @simpleclick/core/node). */
export const DATASET_LAYOUTS = ['grabcut', 'berkeley', 'davis', 'coco_mval', 'sstem', 'folder'] as const;
export type DatasetLayout = (typeof DATASET_LAYOUTS)[number];

/** Sub-folders that identify each layout, checked in this order by {@link detectLayout}. */
const LAYOUT_SIGNATURES: readonly { layout: DatasetLayout; folders: readonly string[] }[] = [
  { layout: 'grabcut', folders: ['data_GT', 'boundary_GT'] },
  { layout: 'sstem', folders: ['raw', 'mitochondria'] },
  { layout: 'sstem', folders: ['stack1/raw', 'stack1/mitochondria'] },
  { layout: 'davis', folders: ['img', 'gt'] },
  { layout: 'folder', folders: ['images', 'masks'] },
];

/** Folder names of the benchmarks (as in shared/data), lower-cased, and their layouts. */
const LAYOUT_BY_FOLDER_NAME: Readonly<Record<string, DatasetLayout>> = {
  grabcut: 'grabcut',
  berkeley: 'berkeley',
  davis: 'davis',
  coco_mval: 'coco_mval',
  sstem: 'sstem',
  stack1: 'sstem',
};

/**
 * The layout of a dataset folder when `--layout` is not given: from the folder name first (`GrabCut`,
 * `Berkeley`, `DAVIS`, `COCO_MVal`, `ssTEM`), else from its sub-folders (`data_GT/` + `boundary_GT/`: GrabCut;
 * `img/` + `gt/`: DAVIS; `raw/` + `mitochondria/`: ssTEM; `images/` + `masks/`: your own folder).
 * @throws CommandError when neither tells.
 */
export function detectLayout(directory: string): DatasetLayout {
  const byName = LAYOUT_BY_FOLDER_NAME[basename(resolve(directory)).toLowerCase()];
  if (byName !== undefined) return byName;
  for (const { layout, folders } of LAYOUT_SIGNATURES) {
    if (folders.every((folder) => isDirectory(join(directory, folder)))) return layout;
  }
  throw new CommandError(`cannot tell the layout of ${directory}: pass --layout (${DATASET_LAYOUTS.join(', ')})`);
}

/** A dataset folder that does not exist yet may be a benchmark name under `$SIMPLECLICK_DATA`. */
export function resolveDatasetDirectory(
  option: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const direct = resolve(cwd, option);
  if (existsSync(direct)) {
    if (!isDirectory(direct)) throw new CommandError(`--dataset ${option} is not a folder`);
    return direct;
  }
  const dataRoot = env.SIMPLECLICK_DATA;
  if (dataRoot && !option.includes('/')) {
    const underData = resolve(cwd, dataRoot, option);
    if (isDirectory(underData)) return underData;
  }
  throw new CommandError(`dataset folder not found: ${option}`);
}

/**
 * Opens the folder with the loader of `layout`. Sample sources are relative to the folder's parent. `decode`
 * (the pixel limit) applies to every image and mask.
 */
export async function openEvalDataset(
  directory: string,
  layout: DatasetLayout,
  decode: Partial<DecodeImageOptions> = {},
): Promise<EvalDataset> {
  switch (layout) {
    case 'grabcut':
      return openGrabCutDataset(directory, { decode });
    case 'berkeley':
      return openBerkeleyDataset(directory, { decode });
    case 'davis':
      return openDavisDataset(directory, { decode });
    case 'coco_mval':
      return openCocoMvalDataset(directory, { decode });
    case 'sstem':
      return openSsTemDataset(directory, { decode });
    case 'folder':
      return openImageFolderDataset(directory, { name: basename(resolve(directory)), decode });
  }
}

/** The first `limit` samples of a dataset (all of them when `limit` is undefined), still loaded lazily. */
export function limitDataset(dataset: EvalDataset, limit: number | undefined): EvalDataset {
  if (limit === undefined || limit >= dataset.count) return dataset;
  return {
    name: dataset.name,
    count: limit,
    async *[Symbol.asyncIterator](): AsyncIterator<EvalSample> {
      let taken = 0;
      for await (const sample of dataset) {
        yield sample;
        taken += 1;
        if (taken >= limit) return;
      }
    },
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
