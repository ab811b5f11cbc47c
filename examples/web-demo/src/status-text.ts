import type { PredictionTiming, SessionState } from '@simpleclick/core/web';
import type { LoadedModel } from './model-loading';

/** The latest model run, for the status line. */
export interface LastRun {
  readonly timing: PredictionTiming;
  /** Clicks of the object after that run. */
  readonly clickCount: number;
}

export interface StatusFacts {
  readonly model: LoadedModel | undefined;
  readonly state: SessionState | undefined;
  readonly lastRun: LastRun | undefined;
  readonly pendingOperations: number;
  /** The current object's mask area, counted once per state by the caller (a 12 MP mask is 12 M values). */
  readonly currentAreaPx: number | undefined;
}

/** The backend part: "wasm, 2 threads, cross-origin isolated", "webgpu", ... */
function backendText(model: LoadedModel): string {
  const { name, numThreads, crossOriginIsolated, note } = model.backend;
  let text: string = name;
  if (name === 'wasm') {
    text += `, ${numThreads} thread${numThreads === 1 ? '' : 's'}`;
    text += crossOriginIsolated
      ? ', cross-origin isolated'
      : ' (page not cross-origin isolated: no WebAssembly threads)';
  }
  return note === undefined ? text : `${text}; ${note}`;
}

/** The status line under the image. */
export function statusText(facts: StatusFacts): string {
  const lines: string[] = [];
  const { model, state, lastRun, pendingOperations } = facts;
  if (model !== undefined) {
    const { metadata } = model;
    const trained = metadata.trained === false ? 'UNTRAINED' : `trained on ${metadata.trainingData}`;
    const modelText = `${model.file} (${metadata.variant}, S=${metadata.inputSizePx}, ${trained})`;
    const where = model.predictor.runsIn === 'worker' ? "the SDK's Web Worker" : "the page's thread (?worker=0)";
    lines.push(
      `Backend: ${backendText(model)} | Runs in: ${where} | Model: ${modelText}, loaded in ${(model.loadMs / 1000).toFixed(1)} s`,
    );
  }
  const parts: string[] = [];
  if (lastRun !== undefined) {
    const { totalMs, predictMs, queuedMs } = lastRun.timing;
    parts.push(
      `Last click: ${Math.round(totalMs)} ms (model and processing ${Math.round(predictMs)} ms, queued ${Math.round(queuedMs)} ms)`,
    );
  }
  if (state !== undefined) {
    let areaPx = facts.currentAreaPx ?? 0;
    if (facts.currentAreaPx === undefined) for (const value of state.mask.data) if (value !== 0) areaPx += 1;
    const clicks = state.clicks;
    const positives = clicks.filter((click) => click.isPositive).length;
    const mask = `mask ${areaPx.toLocaleString('en-US')} px at threshold ${state.threshold.toFixed(2)}`;
    parts.push(
      `Object ${state.currentObjectId}: ${positives} positive, ${clicks.length - positives} negative clicks, ${mask}`,
    );
  }
  if (pendingOperations > 0) parts.push(`running (${pendingOperations} waiting)...`);
  if (parts.length > 0) lines.push(parts.join(' | '));
  return lines.join('\n');
}
