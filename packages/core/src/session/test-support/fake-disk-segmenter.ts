/**
 * Test support (not exported from the package): a {@link ClickSegmenter} whose output is known in closed form,
 * so session tests can check masks without a model.
 *
 * Output of `predict`: start from the state's base probabilities (an imported mask, else zeros); every
 * positive click raises the pixels within `radiusPx` of it to `1 - distance / (2 * radiusPx)` (so values run
 * from 1 at the click to 0.5 at the rim: at threshold 0.49 the mask is the full disk, at 0.75 the disk of
 * half the radius); then every negative click sets the pixels within `radiusPx` of it to 0.
 */
import type { Click } from '../../clicks/click';
import type { FloatMap } from '../../image/float-map';
import type { RgbImage } from '../../image/rgb-image';
import type { ClickSegmenter, ClickSegmenterResult } from '../../predictor/click-segmenter';

/** The fake's immutable state: an id to check which state the session passed back, and the base map. */
export interface FakeDiskState {
  readonly id: number;
  readonly clickCount: number;
  readonly base: FloatMap | undefined;
  readonly imageWidthPx?: number;
  readonly imageHeightPx?: number;
  readonly probabilityRegion?: { rowMin: number; rowMax: number; colMin: number; colMax: number } | null;
  readonly regionProbabilities?: Float32Array | null;
}

/** One recorded `predict` call. */
export interface FakePredictCall {
  readonly clicks: readonly Click[];
  readonly previousStateId: number | undefined;
}

export interface FakeDiskSegmenterOptions {
  readonly radiusPx?: number;
  /** Milliseconds each call waits before answering; a function gets the call's index (0-based). */
  readonly delayMs?: number | ((callIndex: number) => number);
  /** Whether to offer `stateFromProbabilities` (imported masks). */
  readonly canStartFromMask?: boolean;
  /**
   * Whether states expose their probabilities (StateWithProbabilityRegion), as the whole image, so a test
   * can tell the session shared them (whole-image values) from copying their non-zero box.
   */
  readonly exposeRegion?: boolean;
}

function sleep(ms: number): Promise<void> {
  const setTimer = (globalThis as unknown as { setTimeout: (callback: () => void, ms: number) => unknown }).setTimeout;
  return new Promise((resolve) => setTimer(resolve, ms));
}

/** The fake segmenter; see the file comment for its output. */
export class FakeDiskSegmenter implements ClickSegmenter<FakeDiskState> {
  readonly radiusPx: number;
  readonly calls: FakePredictCall[] = [];
  /** Errors to throw, by call index (0-based). */
  readonly failOnCall = new Map<number, Error>();
  closeCount = 0;
  runningNow = 0;
  maxRunningAtOnce = 0;
  private nextStateId = 1;
  private readonly delayMs: number | ((callIndex: number) => number);
  private readonly exposeRegion: boolean;
  readonly stateFromProbabilities?: (image: RgbImage, probabilities: FloatMap) => FakeDiskState;

  constructor(options: FakeDiskSegmenterOptions = {}) {
    this.radiusPx = options.radiusPx ?? 5;
    this.delayMs = options.delayMs ?? 0;
    this.exposeRegion = options.exposeRegion ?? false;
    if (options.canStartFromMask ?? true) {
      this.stateFromProbabilities = (_image, probabilities) => {
        const base = { width: probabilities.width, height: probabilities.height, data: probabilities.data.slice() };
        return this.makeState(0, base, base);
      };
    }
  }

  async predict(
    image: RgbImage,
    clicks: readonly Click[],
    previousState: FakeDiskState | undefined,
  ): Promise<ClickSegmenterResult<FakeDiskState>> {
    const callIndex = this.calls.length;
    this.calls.push({ clicks: [...clicks], previousStateId: previousState?.id });
    this.runningNow += 1;
    this.maxRunningAtOnce = Math.max(this.maxRunningAtOnce, this.runningNow);
    try {
      const delay = typeof this.delayMs === 'function' ? this.delayMs(callIndex) : this.delayMs;
      if (delay > 0) await sleep(delay);
      const failure = this.failOnCall.get(callIndex);
      if (failure !== undefined) throw failure;
      const base = previousState?.base;
      const probabilities = diskProbabilities(image.width, image.height, clicks, this.radiusPx, base);
      return { state: this.makeState(clicks.length, base, probabilities), probabilities };
    } finally {
      this.runningNow -= 1;
    }
  }

  private makeState(clickCount: number, base: FloatMap | undefined, probabilities: FloatMap): FakeDiskState {
    const state = { id: this.nextStateId++, clickCount, base };
    if (!this.exposeRegion) return state;
    const { width, height } = probabilities;
    return {
      ...state,
      imageWidthPx: width,
      imageHeightPx: height,
      probabilityRegion: { rowMin: 0, rowMax: height - 1, colMin: 0, colMax: width - 1 },
      regionProbabilities: probabilities.data.slice(),
    };
  }

  close(): void {
    this.closeCount += 1;
  }
}

/** The fake's output for `clicks` (exported so tests can compare with an independent expectation). */
export function diskProbabilities(
  width: number,
  height: number,
  clicks: readonly Click[],
  radiusPx: number,
  base?: FloatMap,
): FloatMap {
  const data = base !== undefined ? base.data.slice() : new Float32Array(width * height);
  // Visits the pixels of the disk's bounding box only (the image is small, but tests run hundreds of clicks).
  const forEachInDisk = (click: Click, visit: (index: number, distance: number) => void) => {
    const yFirst = Math.max(0, Math.ceil(click.yPx - radiusPx));
    const yLast = Math.min(height - 1, Math.floor(click.yPx + radiusPx));
    const xFirst = Math.max(0, Math.ceil(click.xPx - radiusPx));
    const xLast = Math.min(width - 1, Math.floor(click.xPx + radiusPx));
    for (let y = yFirst; y <= yLast; y++) {
      for (let x = xFirst; x <= xLast; x++) {
        const distance = Math.hypot(x - click.xPx, y - click.yPx);
        if (distance <= radiusPx) visit(y * width + x, distance);
      }
    }
  };
  for (const click of clicks.filter((candidate) => candidate.isPositive)) {
    forEachInDisk(click, (index, distance) => {
      data[index] = Math.max(data[index], 1 - distance / (2 * radiusPx));
    });
  }
  for (const click of clicks.filter((candidate) => !candidate.isPositive)) {
    forEachInDisk(click, (index) => {
      data[index] = 0;
    });
  }
  return { width, height, data };
}
