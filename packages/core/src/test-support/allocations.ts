// Test-only: what the allocation tests (predictor/fast-path.test.ts, session/segmentation-session-allocations.test.ts)
// share: a model computed in JavaScript, so every typed array allocated during a click is the SDK's own, and a
// recorder of typed-array allocations.
import type { NetInput, NetOutput, SegmentationModel } from '../model/segmentation-model';

/** Logits from the inputs (previous mask and click disks) into one reused buffer; input size `sizePx`. */
export class JavaScriptModel implements SegmentationModel {
  readonly metadata;
  #logits = new Float32Array(0);
  constructor(sizePx = 64) {
    this.metadata = {
      variant: 'js',
      inputSizePx: sizePx,
      patchSizePx: 16,
      trainingData: 'none',
      version: '0',
      raw: {},
    };
  }
  async run(input: NetInput): Promise<NetOutput> {
    const plane = input.sizePx * input.sizePx;
    if (this.#logits.length !== input.batchSize * plane) this.#logits = new Float32Array(input.batchSize * plane);
    for (let b = 0; b < input.batchSize; b++) {
      const base = b * 3 * plane;
      for (let i = 0; i < plane; i++) {
        this.#logits[b * plane + i] =
          8 * (input.clickMaps[base + plane + i] - input.clickMaps[base + 2 * plane + i]) +
          6 * input.clickMaps[base + i] -
          3;
      }
    }
    return { logits: this.#logits };
  }
  async close(): Promise<void> {}
}

const TYPED_ARRAYS = [
  'Float32Array',
  'Float64Array',
  'Uint8Array',
  'Int32Array',
  'Uint32Array',
  'Int16Array',
  'Uint16Array',
] as const;

/**
 * Runs `work` with the global typed-array constructors wrapped so that every `new X(...)` is recorded (element
 * count); returns the counts. The SDK's code creates its buffers with these globals.
 */
export async function recordAllocations(work: () => Promise<void> | void): Promise<number[]> {
  const lengths: number[] = [];
  const globals = globalThis as unknown as Record<string, unknown>;
  const originals = TYPED_ARRAYS.map((name) => globals[name]);
  TYPED_ARRAYS.forEach((name, k) => {
    globals[name] = new Proxy(originals[k] as object, {
      construct(target, args): object {
        // Built by the original constructor (newTarget would be the proxy): a plain typed array.
        const instance = Reflect.construct(target as new (...values: unknown[]) => { length: number }, args);
        lengths.push(instance.length);
        return instance;
      },
    });
  });
  try {
    await work();
  } finally {
    TYPED_ARRAYS.forEach((name, k) => {
      globals[name] = originals[k];
    });
  }
  return lengths;
}
