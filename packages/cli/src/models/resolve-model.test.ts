import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_FILE_NAME, defaultModelPath } from '@simpleclick/model-default';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandError } from '../cli-errors';
import { REPO_ROOT, temporaryDirectory } from '../test-support/capture-io';
import { findModelsDirectory, findPythonToolchainDirectory } from './repository-paths';
import { resolveModel } from './resolve-model';

/**
 * The bytes of an ONNX ModelProto that holds only metadata_props (field 14, entries {1: key, 2: value}): enough
 * for the default-model choice, which reads metadata without creating a runtime session.
 */
function metadataOnlyOnnx(props: Record<string, string>, padding = 0): Uint8Array {
  const encoder = new TextEncoder();
  const bytes: number[] = [];
  const lengthDelimited = (field: number, payload: number[]) => {
    bytes.push((field << 3) | 2);
    let length = payload.length;
    while (length >= 0x80) {
      bytes.push((length & 0x7f) | 0x80);
      length >>>= 7;
    }
    bytes.push(length);
    bytes.push(...payload);
  };
  for (const [key, value] of Object.entries(props)) {
    const entry: number[] = [];
    const keyBytes = [...encoder.encode(key)];
    const valueBytes = [...encoder.encode(value)];
    entry.push(0x0a, keyBytes.length, ...keyBytes, 0x12, valueBytes.length, ...valueBytes);
    lengthDelimited(14, entry);
  }
  // producer_version (field 3) as padding, to make files of different sizes.
  if (padding > 0) lengthDelimited(3, new Array(padding).fill(0x61));
  return new Uint8Array(bytes);
}

function metadata(trained: boolean): Record<string, string> {
  return {
    'simpleclick.format_version': '1',
    'simpleclick.variant': 'xtiny',
    'simpleclick.input_size': '448',
    'simpleclick.patch_size': '16',
    'simpleclick.training_data': trained ? 'SBD' : 'untrained',
    'simpleclick.version': '0.1.0',
    'simpleclick.trained': String(trained),
  };
}

const folder = temporaryDirectory();
afterAll(() => folder.remove());

describe('resolveModel', () => {
  it('takes the default model from @simpleclick/model-default, and finds the Python toolchain from the package location', async () => {
    expect(findModelsDirectory({}, '/')).toBeUndefined();
    expect(await resolveModel(undefined, '/', {})).toEqual({ path: defaultModelPath(), displayName: DEFAULT_MODEL_FILE_NAME, isDefault: true });
    expect((await resolveModel(DEFAULT_MODEL_FILE_NAME, '/', {})).path).toBe(defaultModelPath());
    expect(findPythonToolchainDirectory({}, '/')).toBe(join(REPO_ROOT, 'python'));
  });

  it('picks the embedded default (a trained model first, then the smaller file)', async () => {
    const models = join(folder.path, 'models-a');
    mkdirSync(models);
    writeFileSync(join(models, 'a-untrained.onnx'), metadataOnlyOnnx(metadata(false)));
    writeFileSync(join(models, 'b-trained-big.onnx'), metadataOnlyOnnx(metadata(true), 300));
    writeFileSync(join(models, 'c-trained.onnx'), metadataOnlyOnnx(metadata(true), 10));
    writeFileSync(join(models, 'd-not-simpleclick.onnx'), new Uint8Array([0x08, 0x07]));
    const env = { SIMPLECLICK_MODELS_DIR: models };
    const chosen = await resolveModel(undefined, '/', env);
    expect(chosen).toEqual({ path: join(models, 'c-trained.onnx'), displayName: 'models/c-trained.onnx', isDefault: true });

    const untrainedOnly = join(folder.path, 'models-b');
    mkdirSync(untrainedOnly);
    writeFileSync(join(untrainedOnly, 'only.onnx'), metadataOnlyOnnx(metadata(false)));
    expect((await resolveModel(undefined, '/', { SIMPLECLICK_MODELS_DIR: untrainedOnly })).path).toBe(join(untrainedOnly, 'only.onnx'));
  });

  it('resolves --model against the working directory, then the models folder', async () => {
    const models = join(folder.path, 'models-c');
    mkdirSync(models);
    writeFileSync(join(models, 'm.onnx'), metadataOnlyOnnx(metadata(true)));
    writeFileSync(join(folder.path, 'local.onnx'), metadataOnlyOnnx(metadata(true)));
    const env = { SIMPLECLICK_MODELS_DIR: models };
    expect((await resolveModel('local.onnx', folder.path, env)).path).toBe(join(folder.path, 'local.onnx'));
    expect((await resolveModel('models/m.onnx', '/', env)).path).toBe(join(models, 'm.onnx'));
    expect((await resolveModel('m.onnx', '/', env)).isDefault).toBe(false);
    await expect(resolveModel('elsewhere/m.onnx', '/', env)).rejects.toThrow(CommandError);
    await expect(resolveModel('x.onnx', '/', env)).rejects.toThrow(/model file not found: x\.onnx \(embedded models in .*: m\.onnx\)/);
  });

  it('says what to do when there is no model at all', async () => {
    const empty = join(folder.path, 'models-empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'junk.onnx'), new Uint8Array([1, 2, 3]));
    await expect(resolveModel(undefined, '/', { SIMPLECLICK_MODELS_DIR: empty })).rejects.toThrow(/no SimpleClick model in .*: pass --model/);
  });
});
