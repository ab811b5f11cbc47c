import { InvalidFormatError } from '../errors';
import type { EvaluationResult, ObjectResult } from './evaluate';

/** `format` field of the results JSON. */
export const EVALUATION_RESULTS_FORMAT = 'simpleclick-evaluation-results';
/** `version` field of the results JSON. */
export const EVALUATION_RESULTS_VERSION = 1;

/** What produced a run, recorded next to the numbers (all optional, free-form). */
export interface EvaluationRunInfo {
  /** Model file, name or description. */
  readonly model?: string;
  /** Predictor settings (flip, net size, threshold...). */
  readonly predictor?: Readonly<Record<string, unknown>>;
  /** The command line or script that ran the evaluation. */
  readonly command?: string;
}

/**
 * The per-object results file: one JSON document per run. NoC per object is keyed by the threshold written as
 * JavaScript and Python both print it (`"0.8500000000000001"`), like the parity fixtures. IoUs that are NaN
 * (empty ground truth and prediction), and mIoU values they make NaN, are written as null.
 */
export interface EvaluationResultsJson {
  readonly format: typeof EVALUATION_RESULTS_FORMAT;
  readonly version: typeof EVALUATION_RESULTS_VERSION;
  readonly datasetName: string;
  readonly run: EvaluationRunInfo;
  readonly protocol: EvaluationResult['protocol'];
  readonly summary: Omit<EvaluationResult['summary'], 'meanIouPerClick'> & {
    readonly meanIouPerClick: readonly (number | null)[];
  };
  readonly objects: readonly ObjectResultJson[];
}

/** One object in {@link EvaluationResultsJson}. */
export interface ObjectResultJson extends Omit<ObjectResult, 'noc' | 'ious'> {
  readonly ious: readonly (number | null)[];
  readonly noc: Readonly<Record<string, number>>;
}

/** The JSON document of a run (plain data; `JSON.stringify` it, or use {@link stringifyEvaluationResult}). */
export function evaluationResultToJson(result: EvaluationResult, run: EvaluationRunInfo = {}): EvaluationResultsJson {
  const thresholdKeys = result.protocol.iouThresholds.map((threshold) => String(threshold));
  return {
    format: EVALUATION_RESULTS_FORMAT,
    version: EVALUATION_RESULTS_VERSION,
    datasetName: result.datasetName,
    run,
    protocol: result.protocol,
    summary: { ...result.summary, meanIouPerClick: result.summary.meanIouPerClick.map(nanToNull) },
    objects: result.objects.map((object) => ({
      ...object,
      ious: object.ious.map(nanToNull),
      noc: Object.fromEntries(thresholdKeys.map((key, i) => [key, object.noc[i]])),
    })),
  };
}

/** {@link evaluationResultToJson} as text: one line per object, so diffs and `grep` stay readable. */
export function stringifyEvaluationResult(result: EvaluationResult, run: EvaluationRunInfo = {}): string {
  const { objects, ...head } = evaluationResultToJson(result, run);
  const headText = JSON.stringify(head, null, 2);
  const objectLines = objects.map((object) => `    ${JSON.stringify(object)}`).join(',\n');
  return `${headText.slice(0, -2)},\n  "objects": [\n${objectLines}\n  ]\n}\n`;
}

/**
 * Reads a results file back (for plotting or comparing runs).
 * @throws InvalidFormatError when the text is not JSON or not a results document of a known version.
 */
export function parseEvaluationResultJson(text: string): EvaluationResult {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new InvalidFormatError('results file is not valid JSON', { cause });
  }
  const candidate = document as Partial<EvaluationResultsJson> | null;
  if (candidate?.format !== EVALUATION_RESULTS_FORMAT || candidate.version !== EVALUATION_RESULTS_VERSION) {
    throw new InvalidFormatError(
      `not a ${EVALUATION_RESULTS_FORMAT} v${EVALUATION_RESULTS_VERSION} document (format ${String(candidate?.format)}, version ${String(candidate?.version)})`,
    );
  }
  const { protocol, summary, objects, datasetName } = candidate;
  // `satisfies unknown`: Array.isArray(x) itself would narrow a readonly T[] to any[] (its declared guard).
  if (
    !protocol ||
    !summary ||
    !objects ||
    !Array.isArray(objects satisfies unknown) ||
    typeof datasetName !== 'string'
  ) {
    throw new InvalidFormatError('results document lacks protocol, summary, objects or datasetName');
  }
  const thresholdKeys = protocol.iouThresholds.map((threshold) => String(threshold));
  return {
    datasetName,
    protocol,
    summary: { ...summary, meanIouPerClick: summary.meanIouPerClick.map(nullToNan) },
    objects: objects.map((object) => ({
      ...object,
      ious: object.ious.map(nullToNan),
      noc: thresholdKeys.map((key) => object.noc[key]),
    })),
  };
}

function nanToNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

function nullToNan(value: number | null): number {
  return value === null ? Number.NaN : value;
}
