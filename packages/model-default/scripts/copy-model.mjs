// Copies the default model and its card from the repository's models/ folder into this package's model/ folder
// (git-ignored), so that `npm pack` ships them and the workspace link resolves to them; run by the package's
// `build` and `prepack`. The binary is committed once, in models/. Outside a checkout (no models/ folder above),
// an existing model/ folder is kept as it is.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const { DEFAULT_MODEL_FILE_NAME, DEFAULT_MODEL_CARD_FILE_NAME, MODEL_DIRECTORY } = createRequire(import.meta.url)(
  '../index.cjs',
);
const repositoryModels = fileURLToPath(new URL('../../../models/', import.meta.url));

mkdirSync(MODEL_DIRECTORY, { recursive: true });
for (const name of [DEFAULT_MODEL_FILE_NAME, DEFAULT_MODEL_CARD_FILE_NAME]) {
  const source = join(repositoryModels, name);
  const target = join(MODEL_DIRECTORY, name);
  if (existsSync(source)) {
    const same =
      existsSync(target) &&
      statSync(target).size === statSync(source).size &&
      statSync(target).mtimeMs >= statSync(source).mtimeMs;
    if (!same) copyFileSync(source, target);
  } else if (!existsSync(target)) {
    console.error(`@simpleclick/model-default: neither ${source} nor ${target} exists`);
    process.exit(1);
  }
}
