// Test-only helpers for the Node tests (not exported from the package).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is packages/core/src/node/test-support.ts). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/**
 * The shared data root: $SIMPLECLICK_DATA, else ../shared/data next to the repository; undefined when absent
 * (tests that need it skip and say why).
 */
export function findDataRoot(): string | undefined {
  const candidate = process.env.SIMPLECLICK_DATA ?? resolve(REPO_ROOT, '../shared/data');
  return existsSync(candidate) ? candidate : undefined;
}

/** Reason printed by tests skipped for lack of data. */
export const NO_DATA_MESSAGE =
  'dataset tests skipped: no data root (set SIMPLECLICK_DATA or put the datasets in ../shared/data)';
