import type { OutputSink } from '../cli-io';
import { formatDuration } from './format-duration';

/** What the bar shows after each object. */
export interface ProgressState {
  readonly done: number;
  readonly total: number;
  /** Extra fields after the counts, e.g. `mean NoC@90 1.84`. */
  readonly detail?: string;
  readonly elapsedSeconds: number;
}

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Redraw one line in place (a terminal) or print whole lines now and then (logs, pipes). */
  readonly interactive: boolean;
  /** Width of the bar in characters. */
  readonly barWidth: number;
  /** Without a terminal, at least this many seconds between printed lines (the last line always prints). */
  readonly minSecondsBetweenLines: number;
  /** Name in front of the line, e.g. `GrabCut`. */
  readonly label: string;
}

const DEFAULT_PROGRESS_BAR_OPTIONS: ProgressBarOptions = Object.freeze({
  interactive: true,
  barWidth: 24,
  minSecondsBetweenLines: 10,
  label: '',
});

/**
 * The one line of progress: `GrabCut [#########---------------]  19/50  mean NoC@90 1.84  0:00:21 elapsed  ETA 0:00:34`.
 * ETA assumes the remaining objects take the mean time of the finished ones.
 */
export function formatProgressLine(
  state: ProgressState,
  barWidth = DEFAULT_PROGRESS_BAR_OPTIONS.barWidth,
  label = '',
): string {
  const { done, total, detail, elapsedSeconds } = state;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  const width = String(total).length;
  const counts = `${String(done).padStart(width)}/${total}`;
  const etaSeconds = done > 0 ? (elapsedSeconds / done) * (total - done) : NaN;
  const parts = [
    `${label ? `${label} ` : ''}${bar}`,
    counts,
    ...(detail ? [detail] : []),
    `${formatDuration(elapsedSeconds)} elapsed`,
    done >= total ? 'done' : `ETA ${formatDuration(etaSeconds)}`,
  ];
  return parts.join('  ');
}

/**
 * A small progress bar on stderr. Hand-written rather than a library because it needs one custom field (the
 * running mean NoC), must never touch stdout (results go there), and must degrade to occasional plain lines
 * when stderr is not a terminal (CI logs); that is a few lines, while bar libraries bring their own terminal
 * handling and options to configure around.
 */
export class ProgressBar {
  readonly #sink: OutputSink;
  readonly #options: ProgressBarOptions;
  #lastLineSeconds = -Infinity;
  #drawn = false;

  constructor(sink: OutputSink, options: Partial<ProgressBarOptions> = {}) {
    this.#sink = sink;
    this.#options = { ...DEFAULT_PROGRESS_BAR_OPTIONS, ...options };
  }

  /** Shows `state` (redraws in place on a terminal; prints a line now and then otherwise). */
  update(state: ProgressState): void {
    const line = formatProgressLine(state, this.#options.barWidth, this.#options.label);
    if (this.#options.interactive) {
      // \r back to column 0, then erase the line (ESC [ 2 K) so a shorter line leaves no tail.
      this.#sink.write(`\r\x1b[2K${line}`);
      this.#drawn = true;
      return;
    }
    const isLast = state.done >= state.total;
    if (isLast || state.elapsedSeconds - this.#lastLineSeconds >= this.#options.minSecondsBetweenLines) {
      this.#sink.write(`${line}\n`);
      this.#lastLineSeconds = state.elapsedSeconds;
    }
  }

  /** Ends the bar: moves past the redrawn line so later output starts on a fresh line. */
  finish(): void {
    if (this.#options.interactive && this.#drawn) this.#sink.write('\n');
    this.#drawn = false;
  }
}
