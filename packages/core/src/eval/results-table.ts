import type { EvaluationResult } from './evaluate';
import { centerLikePython, formatFixedLikePython, formatTimedeltaLikePython } from './python-format';

/** Options of {@link formatResultsTable}. */
export interface ResultsTableOptions {
  /** First column (the official script prints the predictor mode, `NoBRS` for SimpleClick). */
  readonly brsType: string;
  /** When given, the table starts with `Eval results for model: <name>`. */
  readonly modelName?: string;
  /** Print the header lines (false: the row only, to append rows of more datasets). */
  readonly includeHeader: boolean;
}

/** Defaults of {@link ResultsTableOptions}. */
export const DEFAULT_RESULTS_TABLE_OPTIONS: ResultsTableOptions = Object.freeze({
  brsType: 'NoBRS',
  includeHeader: true,
});

/**
 * The results table the official `evaluate_model.py` prints, character for character:
 * ```
 * -----------------------------------------------------------------------------------------
 * |  BRS Type   |  Dataset  | NoC@80% | NoC@85% | NoC@90% |>=20@85% |>=20@90% | SPC,s |  Time   |
 * -----------------------------------------------------------------------------------------
 * |    NoBRS    |  GrabCut  |  1.38   |  1.46   |  1.56   |    0    |    1    | 0.123 | 0:00:09 |
 * ```
 * NoC columns are the first three thresholds of the run, the `>=N` (NoF) columns its second and third (`?` when
 * the run has fewer), SPC three decimals, time as H:MM:SS.
 */
export function formatResultsTable(result: EvaluationResult, options: Partial<ResultsTableOptions> = {}): string {
  const { brsType, modelName, includeHeader } = { ...DEFAULT_RESULTS_TABLE_OPTIONS, ...options };
  const { summary, protocol } = result;
  const n = protocol.maxClicks;
  const nocLabel = (index: number) => {
    const threshold = protocol.iouThresholds[index];
    return threshold === undefined ? ['NoC@80%', 'NoC@85%', 'NoC@90%'][index] : `NoC@${Math.round(threshold * 100)}%`;
  };
  const nofLabel = (index: number) => {
    const threshold = protocol.iouThresholds[index];
    return `>=${n}@${threshold === undefined ? [80, 85, 90][index] : Math.round(threshold * 100)}%`;
  };
  const tableHeader =
    `|${centerLikePython('BRS Type', 13)}|${centerLikePython('Dataset', 11)}|` +
    `${centerLikePython(nocLabel(0), 9)}|${centerLikePython(nocLabel(1), 9)}|${centerLikePython(nocLabel(2), 9)}|` +
    `${centerLikePython(nofLabel(1), 9)}|${centerLikePython(nofLabel(2), 9)}|` +
    `${centerLikePython('SPC,s', 7)}|${centerLikePython('Time', 9)}|`;
  const rule = '-'.repeat(tableHeader.length);

  const nocCell = (index: number) =>
    index < summary.nocMean.length
      ? centerLikePython(formatFixedLikePython(summary.nocMean[index], 2), 9)
      : centerLikePython('?', 9);
  const nofCell = (index: number) =>
    index < summary.nof.length ? centerLikePython(String(summary.nof[index]), 9) : centerLikePython('?', 9);
  const row =
    `|${centerLikePython(brsType, 13)}|${centerLikePython(result.datasetName, 11)}|` +
    `${nocCell(0)}|${nocCell(1)}|${nocCell(2)}|${nofCell(1)}|${nofCell(2)}|` +
    `${centerLikePython(formatFixedLikePython(summary.secondsPerClick, 3), 7)}|` +
    `${centerLikePython(formatTimedeltaLikePython(summary.elapsedSeconds), 9)}|`;

  if (!includeHeader) return row;
  const lines = [];
  if (modelName !== undefined) lines.push(`Eval results for model: ${modelName}`);
  lines.push(rule, tableHeader, rule, row);
  return lines.join('\n');
}

/**
 * The official `--print-ious` suffix: `mIoU@1=85.12%; mIoU@2=...` for every click of the (shortest) run, as
 * percentages with two decimals.
 */
export function formatMiouPerClick(result: EvaluationResult): string {
  return result.summary.meanIouPerClick
    .map((iou, index) => `mIoU@${index + 1}=${formatFixedLikePython(iou * 100, 2)}%;`)
    .join(' ');
}
