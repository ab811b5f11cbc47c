/**
 * Per-click time outside the model, for a 1920 x 1080 image with the xTiny model on onnxruntime-node.
 * Not a test: it prints a table and asserts nothing. From the repository root:
 *
 *     npx vitest run --config packages/core/bench/vitest.config.ts predictor-overhead
 *
 * Environment: SIMPLECLICK_BENCH_MODEL (default models/simpleclick-xtiny-narrow-finetuned-384.onnx),
 * SIMPLECLICK_BENCH_ITERATIONS (measured clicks per scenario, default 6, after one warm-up),
 * SIMPLECLICK_BENCH_THREADS (onnxruntime intra-op threads; default: onnxruntime's choice),
 * SIMPLECLICK_BENCH_SPINNING=1 (let onnxruntime's threads busy-wait, its own default; the SDK turns it off),
 * SIMPLECLICK_BENCH_EAGER=1 (add rows for the exact path's eager variant, see below).
 *
 * Scenarios, each with flip averaging off (interactive preset) and on (parity preset):
 * - first click: the ROI is the whole image, so the probabilities are resized back to 1920 x 1080;
 * - first click, image seen before: the first click of another object on the same image, after a click on an
 *   object ROI (the predictor keeps the whole image's crop for this);
 * - first click after prepareImage: a new image, prepared (untimed: it runs when the image is opened, as
 *   SegmentationSession.create does) before the first click; the time of prepareImage itself is printed below
 *   the table;
 * - refine, new object ROI: a later click on an object of 300 x 300 pixels whose ROI (about 420 x 420)
 *   differs from the previous click's, so the image crop is resized;
 * - refine, same object ROI: the ROI is kept from the previous click (the usual case while refining), so the
 *   predictor reuses the resized image crop;
 * - refine, whole-image ROI kept: a later click when the previous mask spans the image (the worst case).
 * "New crop" rows alternate between two RgbImage objects with the same pixels, so the crop cache never hits.
 *
 * Each click is also thresholded into a full-size mask (the `mask` column: what an interactive caller does
 * next), and each scenario runs on several paths per preset, alternating click by click so that all see the same
 * load (and, in turn, a warm CPU cache; the order rotates every click):
 * - `previous`: the predictor as it was before the fast path, `exactArithmetic: true` (PyTorch's arithmetic bit
 *   for bit) without boundary refinement, and a new full-size mask per click (`result.toMask()`);
 * - `fast` (interactive only): the interactive preset with `boundaryRefinement: false`, i.e. the fast arithmetic
 *   path alone: the SDK's plumbing around the model, the "SDK share" (target: < 5 % of a click on a 2 MP
 *   image), with the mask written into one reused buffer per object (`result.toMask(t, mask)`);
 * - `shipped`: the preset as shipped (interactive: the fast path plus boundary refinement, the guided filter
 *   inside the zoom-in crop, which skips ROIs above its `maxRoiPixels`, 1 MP; parity: exact arithmetic, no
 *   refinement), mask into a reused buffer.
 * The refinement's own time (`result.timing.refinementMs`, the guided filter) has its own columns (`refine`,
 * `refine%`) and is left out of `sdk` and `sdk%` (total - model - refine): the plumbing share and the cost of
 * the refinement are never added up. With refinement the state keeps the ROI-size map (built before the filter),
 * which stays in the shipped row's `sdk` column: compare it with the `fast` row for that part.
 * Below the table: `fast / previous` ratios (the plumbing against the exact path) and `shipped - fast` (what the
 * refinement adds to a click, in all and in the filter alone).
 * With SIMPLECLICK_BENCH_EAGER=1 also the exact path's eager variant (`eagerRoiProbabilities`: every prediction
 * kept as its ROI-size probabilities, built right after the model, as before states kept S x S probabilities).
 *
 * Wall-clock times on a shared machine swing with its load. The `cpu sdk` and `cpu mask` columns are the process
 * CPU time of the same work (everything but the model run, and the mask): the JavaScript runs on one thread and
 * nothing else of this process runs meanwhile, so they measure the work itself, not the waiting for a core. The
 * refinement's CPU time is not measured apart from the rest (only its wall time), so `cpu sdk` is `-` in rows
 * where the filter ran; the `fast` row gives the plumbing's CPU time.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { it } from 'vitest';
import { ClickPredictor, ObjectState, type Click, type RgbImage } from '../src/index';
import type { PredictorTiming } from '../src/predictor/prediction-result';
import { ResizedFloatMap } from '../src/image/resized-float-map';
import type { NetInput, NetOutput, SegmentationModel } from '../src/model/segmentation-model';
import { createNodeModel } from '../src/node/index';
import { DEFAULT_MODEL_PATH } from '../../../test/support/default-model';

const MODEL_PATH = process.env.SIMPLECLICK_BENCH_MODEL ?? DEFAULT_MODEL_PATH;
const ITERATIONS = Number(process.env.SIMPLECLICK_BENCH_ITERATIONS ?? 6);
const THREADS = process.env.SIMPLECLICK_BENCH_THREADS ? Number(process.env.SIMPLECLICK_BENCH_THREADS) : undefined;
const SPINNING = process.env.SIMPLECLICK_BENCH_SPINNING === '1';
const WITH_EAGER = process.env.SIMPLECLICK_BENCH_EAGER === '1';
const WIDTH = 1920;
const HEIGHT = 1080;

function syntheticImage(): RgbImage {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      const inObject = (x - 900) ** 2 / 150 ** 2 + (y - 500) ** 2 / 150 ** 2 <= 1;
      data[i] = inObject ? 200 : (x * 255) / WIDTH;
      data[i + 1] = inObject ? 60 : (y * 255) / HEIGHT;
      data[i + 2] = ((x ^ y) & 63) * 4;
    }
  }
  return { width: WIDTH, height: HEIGHT, data };
}

function objectMaskState(): ObjectState {
  const data = new Uint8Array(WIDTH * HEIGHT);
  for (let y = 350; y < 650; y++) data.fill(1, y * WIDTH + 750, y * WIDTH + 1050);
  return ObjectState.fromMask({ width: WIDTH, height: HEIGHT, data });
}

function wholeImageState(eager: boolean, netSize: number): ObjectState {
  // A previous prediction over the whole image whose mask touches two corners: the ROI stays the image. Kept as
  // the predictor in use keeps it: S x S network probabilities, or (eager) their resize to the ROI.
  const net = new Float32Array(netSize * netSize).fill(0.2);
  net[0] = 0.9;
  net[net.length - 1] = 0.9;
  const netMap = { width: netSize, height: netSize, data: net };
  const roi = { rowMin: 0, rowMax: HEIGHT - 1, colMin: 0, colMax: WIDTH - 1 };
  if (!eager) return ObjectState.fromNetProbabilities(WIDTH, HEIGHT, roi, netMap);
  return ObjectState.fromPrediction(WIDTH, HEIGHT, roi, new ResizedFloatMap(netMap, WIDTH, HEIGHT).toFloatMap().data);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface ClickTiming extends PredictorTiming {
  readonly maskMs: number;
  /** Process CPU time of the click outside the model run, and of the mask. */
  readonly cpuOutsideMs: number;
  readonly cpuMaskMs: number;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The model, recording the process CPU time of its last run. */
class CpuTimedModel implements SegmentationModel {
  lastRunCpuMs = 0;
  constructor(private readonly inner: SegmentationModel) {}
  get metadata() {
    return this.inner.metadata;
  }
  async run(input: NetInput): Promise<NetOutput> {
    const start = cpuMs();
    try {
      return await this.inner.run(input);
    } finally {
      this.lastRunCpuMs = cpuMs() - start;
    }
  }
  async close(): Promise<void> {
    await this.inner.close();
  }
}

/** The click outside the model, the refinement left out (the SDK's plumbing). */
const sdkMs = (t: ClickTiming) => t.totalMs - t.modelMs - t.refinementMs;

/** The medians a ratio row compares: the plumbing, with the mask, and its CPU time with the mask's. */
function summary(timings: ClickTiming[]): { sdk: number; withMask: number; cpu: number; share: number } {
  const withMask = median(timings.map((t) => sdkMs(t) + t.maskMs));
  return {
    sdk: median(timings.map(sdkMs)),
    withMask,
    cpu: median(timings.map((t) => t.cpuOutsideMs + t.cpuMaskMs)), // only for paths without refinement
    share: (100 * withMask) / median(timings.map((t) => t.totalMs + t.maskMs)),
  };
}

const NAME_WIDTH = 54;

function ratioRow(name: string, previous: ClickTiming[], next: ClickTiming[]): string {
  const a = summary(previous);
  const b = summary(next);
  const ratio = (x: number, y: number) => `${(y / x).toFixed(2)}x`;
  return `${name.padEnd(NAME_WIDTH)}  sdk ${ratio(a.sdk, b.sdk)}, sdk+mask ${a.withMask.toFixed(1)} -> ${b.withMask.toFixed(1)} ms (${ratio(a.withMask, b.withMask)}), cpu sdk+mask ${a.cpu.toFixed(1)} -> ${b.cpu.toFixed(1)} ms (${ratio(a.cpu, b.cpu)}), sdk+mask share ${a.share.toFixed(1)}% -> ${b.share.toFixed(1)}%`;
}

const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

/** What the refinement adds to a click: `shipped` against `fast` (the same path without it), medians. */
function refinementRow(name: string, fast: ClickTiming[], shipped: ClickTiming[]): string {
  const total = (list: ClickTiming[]) => median(list.map((t) => t.totalMs));
  const outside = (list: ClickTiming[]) => median(list.map((t) => t.totalMs - t.modelMs));
  const refine = median(shipped.map((t) => t.refinementMs));
  const refined = shipped.filter((t) => t.refinementMs > 0).length;
  const share = median(shipped.map((t) => (100 * t.refinementMs) / t.totalMs));
  return `${name.padEnd(NAME_WIDTH)}  click ${total(fast).toFixed(1)} -> ${total(shipped).toFixed(1)} ms, outside the model ${outside(fast).toFixed(1)} -> ${outside(shipped).toFixed(1)} ms (${signed(outside(shipped) - outside(fast))}), of which the filter ${refine.toFixed(1)} ms = ${share.toFixed(1)}% of the click (refined ${refined} of ${shipped.length} clicks)`;
}

const COLUMNS = [
  'total',
  'model',
  'pre',
  'post',
  'refine',
  'sdk',
  'sdk%',
  'mask',
  'sdk+mask%',
  'refine%',
  'cpu sdk',
  'cpu mask',
];
const COLUMN_WIDTHS = [8, 8, 7, 7, 8, 7, 7, 7, 11, 9, 9, 9];

function row(name: string, timings: ClickTiming[]): string {
  const med = (f: (t: ClickTiming) => number) => median(timings.map(f));
  const total = med((t) => t.totalMs);
  const sdk = med(sdkMs);
  const sdkWithMask = med((t) => sdkMs(t) + t.maskMs);
  const totalWithMask = med((t) => t.totalMs + t.maskMs);
  const percent = (v: number) => `${v.toFixed(1)}%`;
  const cells = [
    total.toFixed(1),
    med((t) => t.modelMs).toFixed(1),
    med((t) => t.preprocessMs).toFixed(1),
    med((t) => t.postprocessMs).toFixed(1),
    med((t) => t.refinementMs).toFixed(1),
    sdk.toFixed(1),
    percent((100 * sdk) / total),
    med((t) => t.maskMs).toFixed(1),
    percent((100 * sdkWithMask) / totalWithMask),
    percent(med((t) => (100 * t.refinementMs) / t.totalMs)),
    // Where the filter ran its CPU time is not measured apart (only its wall time): no plumbing CPU time then.
    timings.some((t) => t.refinementMs > 0) ? '-' : med((t) => t.cpuOutsideMs).toFixed(1),
    med((t) => t.cpuMaskMs).toFixed(1),
  ];
  return `${name.padEnd(NAME_WIDTH)}${cells.map((c, i) => c.padStart(COLUMN_WIDTHS[i])).join('')}`;
}

it.skipIf(!existsSync(MODEL_PATH))(`predictor overhead, ${WIDTH} x ${HEIGHT}`, async () => {
  const image = syntheticImage();
  const nodeModel = await createNodeModel(MODEL_PATH, { intraOpNumThreads: THREADS, allowSpinning: SPINNING });
  const model = new CpuTimedModel(nodeModel);
  const firstClick: Click[] = [{ xPx: 900, yPx: 500, isPositive: true }];
  const refineClicks: Click[] = [...firstClick, { xPx: 950, yPx: 560, isPositive: true }];
  const imageCopy: RgbImage = { ...image, data: image.data.slice() };
  const netSize = nodeModel.metadata.inputSizePx;
  interface Scenario {
    readonly name: string;
    readonly state: (eager: boolean, netSize: number) => ObjectState | undefined;
    readonly clicks: Click[];
    /** The same RgbImage every click (else two copies alternate, so no crop is reused). */
    readonly sameImage: boolean;
    /** Before each timed click, an untimed click on the object ROI of the same image (another object). */
    readonly otherObjectFirst?: boolean;
    /** Before each timed click, an untimed `prepareImage` of its image (timed on its own). */
    readonly prepareFirst?: boolean;
  }
  const scenarios: Scenario[] = [
    { name: 'first click (whole image)', state: () => undefined, clicks: firstClick, sameImage: false },
    {
      name: 'first click, image seen before',
      state: () => undefined,
      clicks: firstClick,
      sameImage: true,
      otherObjectFirst: true,
    },
    {
      name: 'first click after prepareImage',
      state: () => undefined,
      clicks: firstClick,
      sameImage: false,
      prepareFirst: true,
    },
    { name: 'refine, new object ROI', state: objectMaskState, clicks: refineClicks, sameImage: false },
    { name: 'refine, same object ROI', state: objectMaskState, clicks: refineClicks, sameImage: true },
    { name: 'refine, whole-image ROI kept', state: wholeImageState, clicks: refineClicks, sameImage: true },
  ];
  const otherObject = objectMaskState();
  const lines: string[] = [];
  const ratioLines: string[] = [];
  const refinementLines: string[] = [];
  const prepareLines: string[] = [];
  const loadBefore = loadavg()[0];
  interface Variant {
    readonly label: 'previous' | 'fast' | 'shipped' | 'eager';
    /** Options over the preset (none: the preset as shipped). */
    readonly options: { exactArithmetic?: boolean; boundaryRefinement?: boolean };
    readonly eager: boolean;
    /** Write the mask into one reused buffer (else a new mask per click). */
    readonly reuseMask: boolean;
  }
  for (const preset of ['interactive', 'parity'] as const) {
    const variants: Variant[] = [
      {
        label: 'previous',
        options: { exactArithmetic: true, boundaryRefinement: false },
        eager: false,
        reuseMask: false,
      },
      ...(preset === 'interactive'
        ? [{ label: 'fast', options: { boundaryRefinement: false }, eager: false, reuseMask: true } as const]
        : []),
      { label: 'shipped', options: {}, eager: false, reuseMask: true },
      ...(WITH_EAGER
        ? [
            {
              label: 'eager',
              options: { exactArithmetic: true, boundaryRefinement: false },
              eager: true,
              reuseMask: false,
            } as const,
          ]
        : []),
    ];
    const predictors = await Promise.all(
      variants.map((v) => ClickPredictor.create(model, { preset, ...v.options }, { eagerRoiProbabilities: v.eager })),
    );
    const masks = variants.map(() => ({ width: WIDTH, height: HEIGHT, data: new Uint8Array(WIDTH * HEIGHT) }));
    const toMask = (v: number, result: { toMask(threshold?: number, into?: (typeof masks)[number]): unknown }) =>
      variants[v].reuseMask ? result.toMask(undefined, masks[v]) : result.toMask();
    // Warm-up: every scenario once, so that the first row does not pay for the JIT compiling the shared code.
    for (const { state: makeState, clicks } of scenarios) {
      for (const [v, predictor] of predictors.entries())
        toMask(v, await predictor.predict(image, clicks, makeState(variants[v].eager, netSize)));
    }
    const prefix = preset === 'parity' ? 'flip on ' : 'flip off';
    for (const { name, state: makeState, clicks, sameImage, otherObjectFirst, prepareFirst } of scenarios) {
      const states = variants.map((v) => makeState(v.eager, netSize));
      const timings: ClickTiming[][] = variants.map(() => []);
      const prepareTimings: { wallMs: number; cpuMs: number }[][] = variants.map(() => []);
      for (let i = 0; i <= ITERATIONS; i++) {
        // Rotate which variant goes first: the later ones find the image in the CPU caches.
        const order = [...predictors.keys()].map((k) => (k + i) % predictors.length);
        for (const v of order) {
          const predictor = predictors[v];
          const input = sameImage || i % 2 === 0 ? image : imageCopy;
          if (otherObjectFirst) await predictor.predict(input, refineClicks, otherObject);
          if (prepareFirst) {
            const wallStartMs = performance.now();
            const cpuPrepareStartMs = cpuMs();
            await predictor.prepareImage(input);
            if (i > 0)
              prepareTimings[v].push({ wallMs: performance.now() - wallStartMs, cpuMs: cpuMs() - cpuPrepareStartMs });
          }
          const cpuStartMs = cpuMs();
          const result = await predictor.predict(input, clicks, states[v]);
          const cpuOutsideMs = cpuMs() - cpuStartMs - model.lastRunCpuMs;
          const maskStartMs = performance.now();
          const cpuMaskStartMs = cpuMs();
          toMask(v, result);
          const maskMs = performance.now() - maskStartMs;
          const cpuMaskMs = cpuMs() - cpuMaskStartMs;
          if (i > 0) timings[v].push({ ...result.timing, maskMs, cpuOutsideMs, cpuMaskMs }); // the first run is a warm-up
        }
      }
      for (const [v, variant] of variants.entries()) {
        lines.push(row(`${prefix}: ${name} [${variant.label}]`, timings[v]));
        if (prepareFirst) {
          const wall = median(prepareTimings[v].map((t) => t.wallMs)).toFixed(1);
          const cpu = median(prepareTimings[v].map((t) => t.cpuMs)).toFixed(1);
          prepareLines.push(
            `${prefix} [${variant.label}]${variant.eager ? ' (eager: does nothing)' : ''}: prepareImage ${wall} ms (cpu ${cpu} ms), median`,
          );
        }
      }
      const of = (label: Variant['label']) => timings[variants.findIndex((v) => v.label === label)];
      if (preset === 'interactive') {
        ratioLines.push(ratioRow(`${prefix}: ${name}`, of('previous'), of('fast')));
        refinementLines.push(refinementRow(`${prefix}: ${name}`, of('fast'), of('shipped')));
      } else {
        ratioLines.push(ratioRow(`${prefix}: ${name} (shipped)`, of('previous'), of('shipped')));
      }
    }
  }
  await model.close();
  const header = `${'median ms per click'.padEnd(NAME_WIDTH)}${COLUMNS.map((c, i) => c.padStart(COLUMN_WIDTHS[i])).join('')}`;
  console.log(
    [
      `predictor overhead: ${WIDTH} x ${HEIGHT} image, ${MODEL_PATH.split('/').pop()}, onnxruntime-node ${nodeModel.executionProviders.join('+')}, spinning ${SPINNING ? 'on' : 'off'}`,
      `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${ITERATIONS} clicks per row after a warm-up, load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
      'paths: previous = exact arithmetic, no refinement; fast = interactive fast path, boundaryRefinement: false (the SDK plumbing);',
      '       shipped = the preset as shipped (interactive: fast path + boundary refinement; parity: exact, no refinement)',
      'sdk = total - model - refine (the SDK plumbing; the refinement is never in it); refine = the guided filter alone',
      header,
      ...lines,
      ...prepareLines,
      'fast / previous, the SDK plumbing (medians; the mask is counted as SDK work; parity: shipped / previous):',
      ...ratioLines,
      'shipped - fast, what boundary refinement adds to an interactive click (medians):',
      ...refinementLines,
    ].join('\n'),
  );
});
