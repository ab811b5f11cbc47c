import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where this module lives: `packages/cli/src/models` when the sources run (tests), `packages/cli/dist` when the
 * bundle runs. The repository's Python toolchain (needed by `bench` only) is found by walking up from here, so it
 * is found from any working directory. The default model is not: it comes from `@simpleclick/model-default`.
 */
const MODULE_DIRECTORY = dirname(fileURLToPath(import.meta.url));

/** How many parent folders {@link findUpwards} climbs at most (the repository root is 3 or 4 levels above). */
const MAX_LEVELS_UP = 6;

/** The first `start/<relative>`, `start/../<relative>`, ... for which `accept` is true, or undefined. */
function findUpwards(
  relative: string,
  accept: (path: string) => boolean,
  start: string = MODULE_DIRECTORY,
): string | undefined {
  let directory = resolve(start);
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const candidate = join(directory, relative);
    if (accept(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return undefined;
}

/** The names of the `.onnx` files in a folder, sorted; empty when the folder cannot be read. */
export function onnxFilesIn(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((name) => name.toLowerCase().endsWith('.onnx'))
      .sort();
  } catch {
    return [];
  }
}

/**
 * The models folder that `$SIMPLECLICK_MODELS_DIR` names (resolved against `cwd`), or undefined when it is unset:
 * then the default model comes from `@simpleclick/model-default`.
 */
export function findModelsDirectory(env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  const override = env.SIMPLECLICK_MODELS_DIR;
  return override !== undefined && override !== '' ? resolve(cwd, override) : undefined;
}

/**
 * The folder that holds the `simpleclick` Python package (the repository's `python/`): `$SIMPLECLICK_PYTHON_DIR`
 * when set, else found above this package. Undefined when there is none.
 */
export function findPythonToolchainDirectory(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string | undefined {
  const override = env.SIMPLECLICK_PYTHON_DIR;
  if (override !== undefined && override !== '') return resolve(cwd, override);
  return findUpwards('python', (path) => existsSync(join(path, 'simpleclick', '__init__.py')));
}
