import { describe, expect, it } from 'vitest';
import { ModelLoadError, NonFiniteOutputError, WeightsChecksumError } from '../errors';
import { MODEL_METADATA_KEYS } from '../model/model-metadata';
import { readOnnxInitializerData } from '../model/onnx-initializer-data';
import {
  TINY_S32_INITIALIZER,
  TINY_S32_WEIGHTS_SHA256,
  withInitializerFloat,
  withMetadataEntry,
} from '../../test-support/onnx-edit';
import { tinyGraphBytes, tinyGraphInputs, TINY_GRAPH_SIZE_PX } from '../../test-support/tiny-graph';
import { createNodeModel } from './onnx-node';
import { checkWeightsSha256, weightsSha256 } from './weights-sha256';

const TYPED_FIELDS_MODEL_BASE64 =
  'CAg6swIKEgoDcmF3EgF5IghJZGVudGl0eRIBZyoVCAMQASIMAADAPwAAEMB2hN9QQgFmKhwIAxAHOhH///////////8BBYCAgICAIEIDaTY0KhUIAhADKgv9//////////8BZEICaTgqDQgCEAIqAwf/AUICdTgqFwgCEAUqDNT9/////////wGsAkIDaTE2Kg8IAhAKKgaA5gHo8wFCAWgqDAgDEAkqAwEAAUIBYioZCAIQC0IBZFIQmpmZmZmZuT8AAAAAAAAcwCoRCAIQDEIDdTMyWgaA0KzzDgEqFQgBEA1CA3U2NFoKhYCAgICAgICAASoXCAMQAUIDcmF3SgwAAIA/AAAAQAAAQEAqGAgCEAYqDf7//////////wHwogRCA2kzMmIPCgF5EgoKCAgBEgQKAggDQgIQEQ==';

const RAMP = TINY_S32_INITIALIZER.ramp;
const TWO = TINY_S32_INITIALIZER.two;

describe('weights sha256 (simpleclick.weights_sha256)', () => {
  const plain = tinyGraphBytes('tiny-s32.onnx');

  it('hashes the raw_data of the initializers in graph order, as the Python definition does', () => {
    expect(readOnnxInitializerData(plain).tensorBytes.map((raw) => raw?.length)).toEqual([4096, 4, 4, 4, 24]);
    expect(weightsSha256(plain)).toBe(TINY_S32_WEIGHTS_SHA256);
    // Metadata is not covered: recording the value does not change it.
    expect(weightsSha256(withMetadataEntry(plain, MODEL_METADATA_KEYS.weightsSha256, 'x'))).toBe(
      TINY_S32_WEIGHTS_SHA256,
    );
  });

  it('converts typed fields (float_data, int32_data, int64_data, double_data, uint64_data) as numpy does', () => {
    // A graph with initializers of 12 types, all but one in typed fields, made with onnx.helper.make_tensor; the
    // value is simpleclick.weights_digest.weights_sha256 of the same model in Python.
    const bytes = Uint8Array.from(Buffer.from(TYPED_FIELDS_MODEL_BASE64, 'base64'));
    expect(weightsSha256(bytes)).toBe('b16ed46d0166541237f7c879f610cc9f3491ba16b07c48d55cb19cac26f33308');
  });

  it('loads a model whose weights match the recorded sha256 and says so', async () => {
    const recorded = withMetadataEntry(plain, MODEL_METADATA_KEYS.weightsSha256, TINY_S32_WEIGHTS_SHA256.toUpperCase());
    const model = await createNodeModel(recorded);
    try {
      expect(model.weightsChecksum).toEqual({
        status: 'match',
        expected: TINY_S32_WEIGHTS_SHA256,
        actual: TINY_S32_WEIGHTS_SHA256,
      });
    } finally {
      await model.close();
    }
  });

  it('refuses a model whose weights were changed after export (flipped bytes)', async () => {
    const recorded = withMetadataEntry(plain, MODEL_METADATA_KEYS.weightsSha256, TINY_S32_WEIGHTS_SHA256);
    const damaged = withInitializerFloat(recorded, RAMP, 1234.5);
    expect(checkWeightsSha256(damaged)).toMatchObject({ status: 'mismatch', expected: TINY_S32_WEIGHTS_SHA256 });
    const error = await createNodeModel(damaged).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WeightsChecksumError);
    expect(error).toBeInstanceOf(ModelLoadError); // same code for callers that map codes: MODEL_LOAD
    expect((error as WeightsChecksumError).code).toBe('MODEL_LOAD');
    expect((error as Error).message).toMatch(/do not match the sha256/);
    // The check can be turned off (then the damage goes unnoticed until the output check below).
    const unchecked = await createNodeModel(damaged, { verifyWeights: false });
    expect(unchecked.weightsChecksum.status).toBe('absent');
    await unchecked.close();
  });

  it('loads files without the record unchecked, and says so', async () => {
    expect(checkWeightsSha256(plain)).toEqual({ status: 'absent' });
    const model = await createNodeModel(plain);
    expect(model.weightsChecksum).toEqual({ status: 'absent' });
    await model.close();
  });
});

describe('non-finite model output', () => {
  it('rejects every run whose logits hold NaN with a typed error (weights damaged, no checksum recorded)', async () => {
    const model = await createNodeModel(withInitializerFloat(tinyGraphBytes('tiny-s32.onnx'), TWO, Number.NaN));
    try {
      const { image, clickMaps } = tinyGraphInputs(1);
      const run = () => model.run({ batchSize: 1, sizePx: TINY_GRAPH_SIZE_PX, image, clickMaps });
      const error = await run().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NonFiniteOutputError);
      expect((error as NonFiniteOutputError).code).toBe('MODEL_CONTRACT');
      await expect(run()).rejects.toBeInstanceOf(NonFiniteOutputError); // every run, not only the first
    } finally {
      await model.close();
    }
  });

  it('rejects infinite logits too', async () => {
    const model = await createNodeModel(
      withInitializerFloat(tinyGraphBytes('tiny-s32.onnx'), TWO, Number.NEGATIVE_INFINITY),
    );
    try {
      const { image, clickMaps } = tinyGraphInputs(1);
      await expect(model.run({ batchSize: 1, sizePx: TINY_GRAPH_SIZE_PX, image, clickMaps })).rejects.toBeInstanceOf(
        NonFiniteOutputError,
      );
    } finally {
      await model.close();
    }
  });
});
