/**
 * Test support for the tiny ONNX graphs of packages/core/scripts/make-test-graphs.py (S = 32):
 * where they are, and what they compute, written out independently of onnxruntime.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const TINY_GRAPH_SIZE_PX = 32;

/** Absolute path of a generated graph in packages/core/src/model/__fixtures__/. */
export function tinyGraphPath(name: string): string {
  return fileURLToPath(new URL(`../src/model/__fixtures__/${name}`, import.meta.url));
}

export function tinyGraphBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(tinyGraphPath(name)));
}

/**
 * logits = 6 * (positive - negative) + 4 * previous + (R - B) + ramp - 2, ramp[col] = (col - 15.5) / 8,
 * each step in float32 like the graph's nodes.
 */
export function tinyGraphLogits(image: Float32Array, clickMaps: Float32Array, batchSize: number): Float32Array {
  const size = TINY_GRAPH_SIZE_PX;
  const plane = size * size;
  const f = Math.fround;
  const logits = new Float32Array(batchSize * plane);
  for (let item = 0; item < batchSize; item++) {
    const base = item * 3 * plane;
    for (let i = 0; i < plane; i++) {
      const col = i % size;
      const clicks = f(6 * f(clickMaps[base + plane + i] - clickMaps[base + 2 * plane + i]));
      const previous = f(4 * clickMaps[base + i]);
      const colour = f(image[base + i] - image[base + 2 * plane + i]);
      const ramp = f((col - 15.5) / 8);
      logits[item * plane + i] = f(f(f(f(clicks + previous) + colour) + ramp) - 2);
    }
  }
  return logits;
}

/** Deterministic pseudo-random inputs in [0, 1) (image) and {0, 1} / [0, 1) (click maps). */
export function tinyGraphInputs(batchSize: number, seed = 1): { image: Float32Array; clickMaps: Float32Array } {
  const plane = TINY_GRAPH_SIZE_PX * TINY_GRAPH_SIZE_PX;
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const image = new Float32Array(batchSize * 3 * plane).map(() => random());
  const clickMaps = new Float32Array(batchSize * 3 * plane);
  for (let item = 0; item < batchSize; item++) {
    for (let i = 0; i < plane; i++) {
      clickMaps[item * 3 * plane + i] = random();
      clickMaps[item * 3 * plane + plane + i] = random() < 0.1 ? 1 : 0;
      clickMaps[item * 3 * plane + 2 * plane + i] = random() < 0.1 ? 1 : 0;
    }
  }
  return { image, clickMaps };
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
