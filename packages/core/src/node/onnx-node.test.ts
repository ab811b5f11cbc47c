import { describe, expect, it } from 'vitest';
import { ModelContractError, ModelLoadError, SessionClosedError, InvalidArgumentError } from '../errors';
import {
  maxAbsDifference,
  tinyGraphBytes,
  tinyGraphInputs,
  tinyGraphLogits,
  tinyGraphPath,
  TINY_GRAPH_SIZE_PX,
} from '../../test-support/tiny-graph';
import { createNodeModel } from './onnx-node';

const S = TINY_GRAPH_SIZE_PX;

describe('createNodeModel on the tiny contract graph (onnxruntime-node)', () => {
  it('reads the metadata and runs batches of 1 and 2 with the known result', async () => {
    const model = await createNodeModel(tinyGraphPath('tiny-s32.onnx'));
    try {
      expect(model.metadata).toMatchObject({ variant: 'test-tiny', inputSizePx: 32, patchSizePx: 16, trained: false });
      expect(model.executionProviders).toEqual(['cpu']);
      expect(model.staticBatchSize).toBeNull();
      for (const batchSize of [1, 2]) {
        const { image, clickMaps } = tinyGraphInputs(batchSize, batchSize);
        const { logits } = await model.run({ batchSize, sizePx: S, image, clickMaps });
        expect(logits.length).toBe(batchSize * S * S);
        expect(maxAbsDifference(logits, tinyGraphLogits(image, clickMaps, batchSize))).toBeLessThan(1e-5);
      }
    } finally {
      await model.close();
    }
  });

  it('loads from bytes too, and runs a batch of 2 as two passes when the graph has batch 1', async () => {
    const model = await createNodeModel(tinyGraphBytes('tiny-s32-batch1.onnx'));
    try {
      expect(model.staticBatchSize).toBe(1);
      const { image, clickMaps } = tinyGraphInputs(2, 7);
      const { logits } = await model.run({ batchSize: 2, sizePx: S, image, clickMaps });
      expect(maxAbsDifference(logits, tinyGraphLogits(image, clickMaps, 2))).toBeLessThan(1e-5);
    } finally {
      await model.close();
    }
  });

  it('rejects inputs of the wrong size and runs after close', async () => {
    const model = await createNodeModel(tinyGraphPath('tiny-s32.onnx'));
    const { image, clickMaps } = tinyGraphInputs(1);
    await expect(model.run({ batchSize: 1, sizePx: 64, image, clickMaps })).rejects.toThrow(InvalidArgumentError);
    await expect(model.run({ batchSize: 2, sizePx: S, image, clickMaps })).rejects.toThrow(InvalidArgumentError);
    await model.close();
    await model.close(); // idempotent
    await expect(model.run({ batchSize: 1, sizePx: S, image, clickMaps })).rejects.toThrow(SessionClosedError);
  });

  it.each([
    ['wrong-input-name-s32.onnx', /inputs are \[img, click_maps\]/],
    ['wrong-metadata-size-s32.onnx', /static size S = 64/],
    ['missing-metadata-s32.onnx', /no metadata_props/],
    ['bad-metadata-s32.onnx', /patch_size.*positive integer/],
    ['wrong-output-channels-s32.onnx', /"logits" has shape \[batch,2,32,32\]/],
    ['wrong-input-type-s32.onnx', /"image" is float64/],
  ])('%s fails with ModelContractError', async (file, message) => {
    const error = await createNodeModel(tinyGraphPath(file)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelContractError);
    expect((error as Error).message).toMatch(message);
  });

  it('a missing file or garbage bytes fail with ModelLoadError', async () => {
    await expect(createNodeModel(tinyGraphPath('no-such-model.onnx'))).rejects.toThrow(ModelLoadError);
    await expect(createNodeModel(new Uint8Array([0x08, 0x80]))).rejects.toThrow(ModelLoadError);
  });

  it('falls back to the CPU when a listed provider is not available', async () => {
    const model = await createNodeModel(tinyGraphPath('tiny-s32.onnx'), { executionProviders: ['no-such-provider'] });
    expect(model.executionProviders).toEqual(['cpu']);
    await model.close();
    await expect(
      createNodeModel(tinyGraphPath('tiny-s32.onnx'), {
        executionProviders: ['no-such-provider'],
        fallbackToCpu: false,
      }),
    ).rejects.toThrow(ModelLoadError);
  });
});
