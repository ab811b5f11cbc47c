// @simpleclick/model-default: the file it names is the repository's fp16 default model (copied by the build), its
// constants agree with the model's metadata, and both module systems see the same package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readModelMetadata } from '@simpleclick/core';
import * as esm from '@simpleclick/model-default';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const packageJson = JSON.parse(readFileSync(`${repoRoot}packages/model-default/package.json`, 'utf8'));
let modelPath: string | undefined;
try {
  modelPath = esm.defaultModelPath();
} catch {
  console.warn('@simpleclick/model-default test skipped: run "npm run build" (it copies the model into the package)');
}

describe.skipIf(modelPath === undefined)('@simpleclick/model-default', () => {
  it("ships the repository's fp16 default model and its card, byte for byte", () => {
    expect(
      readFileSync(modelPath as string).equals(readFileSync(`${repoRoot}models/${esm.DEFAULT_MODEL_FILE_NAME}`)),
    ).toBe(true);
    expect(readFileSync(esm.defaultModelCardPath(), 'utf8')).toBe(
      readFileSync(`${repoRoot}models/${esm.DEFAULT_MODEL_CARD_FILE_NAME}`, 'utf8'),
    );
  });

  it('states the input size S the model was exported at', () => {
    const metadata = readModelMetadata(new Uint8Array(readFileSync(modelPath as string)));
    expect(metadata.inputSizePx).toBe(esm.DEFAULT_MODEL_INPUT_SIZE);
    expect(metadata.trained).toBe(true);
  });

  it('gives require() the same values as import', () => {
    const cjs = createRequire(import.meta.url)('@simpleclick/model-default') as typeof esm;
    expect(cjs.defaultModelPath()).toBe(modelPath);
    expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).sort());
  });

  it('says research-only in its package.json and publishes the model folder', () => {
    expect(packageJson.description).toMatch(/research and non-commercial use only/i);
    expect(packageJson.license).toBe('SEE LICENSE IN LICENSE.md');
    expect(packageJson.files).toEqual(
      expect.arrayContaining(['model', 'LICENSE.md', 'index.mjs', 'index.cjs', 'index.d.ts', 'index.d.cts']),
    );
  });
});
