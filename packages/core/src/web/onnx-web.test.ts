import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelContractError } from '../errors';
import { createNodeModel } from '../node/onnx-node';
import type { OnnxSegmentationModel } from '../model/onnx-segmentation-model';
import {
  maxAbsDifference,
  tinyGraphBytes,
  tinyGraphInputs,
  tinyGraphLogits,
  TINY_GRAPH_SIZE_PX,
} from '../../test-support/tiny-graph';
import { createWebModel, defaultWasmThreads } from './onnx-web';
import {
  DEFAULT_MODEL_PATH,
  DEFAULT_MODEL_RELATIVE_PATH,
  HAVE_DEFAULT_MODEL,
} from '../../../../test/support/default-model';

// onnxruntime-web's WASM backend runs inside Node (export condition "node"), so the browser runner is tested
// here against onnxruntime-node: same logits within 1e-3 (docs/environment.md, runtimes).

describe('createWebModel (onnxruntime-web WASM inside Node)', () => {
  it('gives the tiny graph the known logits, like onnxruntime-node', async () => {
    const webModel = await createWebModel(tinyGraphBytes('tiny-s32.onnx'), { numThreads: 2 });
    const nodeModel = await createNodeModel(tinyGraphBytes('tiny-s32.onnx'));
    try {
      // No WebGPU in Node: the runner fell back to WASM.
      expect(webModel.executionProviders).toEqual(['wasm']);
      expect(webModel.metadata.inputSizePx).toBe(TINY_GRAPH_SIZE_PX);
      const { image, clickMaps } = tinyGraphInputs(2, 3);
      const input = { batchSize: 2, sizePx: TINY_GRAPH_SIZE_PX, image, clickMaps };
      const web = await webModel.run(input);
      const node = await nodeModel.run(input);
      expect(maxAbsDifference(web.logits, node.logits)).toBeLessThan(1e-3);
      expect(maxAbsDifference(web.logits, tinyGraphLogits(image, clickMaps, 2))).toBeLessThan(1e-5);
    } finally {
      await webModel.close();
      await nodeModel.close();
    }
  });

  it('checks the contract like the node runner', async () => {
    await expect(createWebModel(tinyGraphBytes('wrong-input-name-s32.onnx'), { numThreads: 2 })).rejects.toThrow(
      ModelContractError,
    );
  });
});

describe('defaultWasmThreads', () => {
  // Pinned (issue 12, packages/core/bench/README.md "Where WASM time goes"): on an idle 2-core machine 2 WASM
  // threads ran the model in 0.56x the time of 1, so every core up to 4 is used.
  it('is min(4, hardware threads), 1 when unknown', () => {
    expect([undefined, Number.NaN, 0, 1].map(defaultWasmThreads)).toEqual([1, 1, 1, 1]);
    expect([2, 3, 4, 6, 8, 16, 64].map(defaultWasmThreads)).toEqual([2, 3, 4, 4, 4, 4, 4]);
  });
});

describe.skipIf(!HAVE_DEFAULT_MODEL)(`web vs node on the default xTiny model (${DEFAULT_MODEL_RELATIVE_PATH})`, () => {
  let webModel: OnnxSegmentationModel;
  let nodeModel: OnnxSegmentationModel;
  beforeAll(async () => {
    const bytes = new Uint8Array(readFileSync(DEFAULT_MODEL_PATH));
    webModel = await createWebModel(bytes, { numThreads: 2 });
    nodeModel = await createNodeModel(bytes);
  });
  afterAll(async () => {
    await webModel?.close();
    await nodeModel?.close();
  });

  it('the same logits within 1e-3 for one input', async () => {
    const size = nodeModel.metadata.inputSizePx;
    const plane = size * size;
    const image = new Float32Array(3 * plane);
    const clickMaps = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      const row = Math.floor(i / size);
      const col = i % size;
      image[i] = (row % 64) / 64;
      image[plane + i] = (col % 32) / 32;
      image[2 * plane + i] = ((row + col) % 128) / 128;
      const inDisk = (row - 200) ** 2 + (col - 220) ** 2 <= 25;
      clickMaps[plane + i] = inDisk ? 1 : 0;
    }
    const input = { batchSize: 1, sizePx: size, image, clickMaps };
    const node = await nodeModel.run(input);
    const web = await webModel.run(input);
    expect(maxAbsDifference(web.logits, node.logits)).toBeLessThan(1e-3);
  });
});

if (!HAVE_DEFAULT_MODEL) {
  describe('web vs node on the xTiny model', () => {
    it.skip(`skipped: ${DEFAULT_MODEL_PATH} does not exist yet (made by the Python exporter)`, () => {});
  });
}
