import { describe, expect, it } from 'vitest';
import { WeightsChecksumError } from '../errors';
import { MODEL_METADATA_KEYS } from '../model/model-metadata';
import {
  TINY_S32_INITIALIZER,
  TINY_S32_WEIGHTS_SHA256,
  withInitializerFloat,
  withMetadataEntry,
} from '../../test-support/onnx-edit';
import { tinyGraphBytes } from '../../test-support/tiny-graph';
import { createWebModel } from './onnx-web';

// The browser runner checks simpleclick.weights_sha256 with WebCrypto (globalThis.crypto.subtle, also in Node).
describe('createWebModel and the weights sha256', () => {
  const recorded = withMetadataEntry(
    tinyGraphBytes('tiny-s32.onnx'),
    MODEL_METADATA_KEYS.weightsSha256,
    TINY_S32_WEIGHTS_SHA256,
  );

  it('loads matching weights and says so', async () => {
    const model = await createWebModel(recorded, { numThreads: 1 });
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

  it('refuses weights changed after export', async () => {
    const damaged = withInitializerFloat(recorded, TINY_S32_INITIALIZER.six, 7);
    await expect(createWebModel(damaged, { numThreads: 1 })).rejects.toBeInstanceOf(WeightsChecksumError);
  });
});
