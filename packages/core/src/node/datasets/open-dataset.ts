import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors';
import type { EvalDataset } from '../../eval/eval-sample';
import type { DatasetOptions } from './dataset-options';
import {
  openBerkeleyDataset,
  openCocoMvalDataset,
  openDavisDataset,
  openGrabCutDataset,
} from './single-object-dataset';
import { openSsTemDataset } from './sstem-dataset';

/** Benchmarks with a built-in loader. */
export type OfficialDatasetName = 'GrabCut' | 'Berkeley' | 'DAVIS' | 'COCO_MVal' | 'ssTEM';

/** Where each benchmark lives under a data root (the layout of shared/data). */
export const OFFICIAL_DATASET_FOLDERS: Readonly<Record<OfficialDatasetName, string>> = Object.freeze({
  GrabCut: 'GrabCut',
  Berkeley: 'Berkeley',
  DAVIS: 'DAVIS',
  COCO_MVal: 'COCO_MVal',
  ssTEM: 'ssTEM/stack1',
});

/**
 * Opens a benchmark by name under a data root (e.g. `../shared/data`); sample sources are relative to that root.
 * @throws InvalidArgumentError for an unknown name; DatasetError when the folder does not have the layout.
 */
export async function openDataset(
  name: OfficialDatasetName,
  dataRoot: string,
  options: DatasetOptions = {},
): Promise<EvalDataset> {
  const folder = OFFICIAL_DATASET_FOLDERS[name];
  if (folder === undefined) {
    throw new InvalidArgumentError(
      `unknown dataset ${String(name)}; expected one of ${Object.keys(OFFICIAL_DATASET_FOLDERS).join(', ')}`,
    );
  }
  const path = join(dataRoot, folder);
  const withBase = { sourceBase: dataRoot, ...options };
  switch (name) {
    case 'GrabCut':
      return openGrabCutDataset(path, withBase);
    case 'Berkeley':
      return openBerkeleyDataset(path, withBase);
    case 'DAVIS':
      return openDavisDataset(path, withBase);
    case 'COCO_MVal':
      return openCocoMvalDataset(path, withBase);
    case 'ssTEM':
      return openSsTemDataset(path, withBase);
  }
}
