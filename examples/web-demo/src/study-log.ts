import {
  computeIou,
  type BinaryMask,
  type Click,
  type SessionOperationKind,
  type WorkerPredictionEvent,
} from '@simpleclick/core/web';

/** IoU targets reported as "clicks to reach" (the official NoC thresholds). */
export const STUDY_IOU_TARGETS: readonly number[] = Object.freeze([0.8, 0.85, 0.9]);

/** One operation of a study run. */
export interface StudyEntry {
  /** 1, 2, ... in order. */
  readonly index: number;
  readonly operation: SessionOperationKind;
  /** The click, for `operation: 'click'`. */
  readonly click?: Click;
  /** When the person acted (clicked, pressed undo...), in ms since the study started. */
  readonly actedAtMs: number;
  /** When the resulting mask was ready, in ms since the study started. */
  readonly maskReadyAtMs: number;
  /** From the action to the mask (queue wait + model + post-processing), ms. */
  readonly latencyMs: number;
  /** Clicks the person has made so far in this run (undone ones included): the effort spent. */
  readonly clicksMade: number;
  /** Clicks of the current object after the operation (undone ones excluded). */
  readonly objectClicks: number;
  readonly objectId: number;
  /** IoU of the current object's mask with the ground truth; null when both are empty. */
  readonly iou: number | null;
}

/** The JSON a study run exports. */
export interface StudyLogJson {
  readonly format: 'simpleclick-study-log';
  readonly version: 1;
  readonly startedAt: string;
  readonly image: { readonly name: string; readonly width: number; readonly height: number };
  readonly groundTruth: { readonly name: string; readonly areaPx: number };
  readonly context: Readonly<Record<string, unknown>>;
  /** Clicks made when the IoU first reached each target, null when it did not. */
  readonly clicksToIou: Readonly<Record<string, number | null>>;
  /** Seconds from the start to that moment, null when it was not reached. */
  readonly secondsToIou: Readonly<Record<string, number | null>>;
  readonly finalIou: number | null;
  readonly entries: readonly StudyEntry[];
}

/**
 * Study mode: the current object's IoU with a ground-truth mask after every operation, with times, so people
 * can measure clicks-to-90% by hand and export the run as JSON.
 */
export class StudyLog {
  readonly groundTruth: BinaryMask;
  readonly groundTruthName: string;
  readonly #entries: StudyEntry[] = [];
  #startMs: number;
  #startedAt: Date;
  #clicksMade = 0;

  constructor(groundTruth: BinaryMask, groundTruthName: string, nowMs: number = performance.now()) {
    this.groundTruth = groundTruth;
    this.groundTruthName = groundTruthName;
    this.#startMs = nowMs;
    this.#startedAt = new Date();
  }

  /** Starts over: clears the entries and restarts the clock. */
  restart(nowMs: number = performance.now()): void {
    this.#entries.length = 0;
    this.#clicksMade = 0;
    this.#startMs = nowMs;
    this.#startedAt = new Date();
  }

  get entries(): readonly StudyEntry[] {
    return this.#entries;
  }

  get clicksMade(): number {
    return this.#clicksMade;
  }

  /** Records the outcome of one session operation (a `prediction` event of the session). */
  record(event: WorkerPredictionEvent, nowMs: number = performance.now()): StudyEntry {
    if (event.cause === 'click') this.#clicksMade += 1;
    const iou = computeIou(this.groundTruth, event.mask);
    const maskReadyAtMs = nowMs - this.#startMs;
    const entry: StudyEntry = {
      index: this.#entries.length + 1,
      operation: event.cause,
      ...(event.cause === 'click' && event.clicks.length > 0
        ? { click: { ...event.clicks[event.clicks.length - 1] } }
        : {}),
      actedAtMs: round1(maskReadyAtMs - event.timing.totalMs),
      maskReadyAtMs: round1(maskReadyAtMs),
      latencyMs: round1(event.timing.totalMs),
      clicksMade: this.#clicksMade,
      objectClicks: event.clicks.length,
      objectId: event.objectId,
      iou: Number.isNaN(iou) ? null : iou,
    };
    this.#entries.push(entry);
    return entry;
  }

  /** The first entry whose IoU reached `target`, or undefined. */
  firstReaching(target: number): StudyEntry | undefined {
    return this.#entries.find((entry) => entry.iou !== null && entry.iou >= target);
  }

  toJson(image: { name: string; width: number; height: number }, context: Record<string, unknown>): StudyLogJson {
    const clicksToIou: Record<string, number | null> = {};
    const secondsToIou: Record<string, number | null> = {};
    for (const target of STUDY_IOU_TARGETS) {
      const reached = this.firstReaching(target);
      clicksToIou[String(target)] = reached?.clicksMade ?? null;
      secondsToIou[String(target)] = reached === undefined ? null : round1(reached.maskReadyAtMs) / 1000;
    }
    let areaPx = 0;
    for (const value of this.groundTruth.data) if (value !== 0) areaPx += 1;
    return {
      format: 'simpleclick-study-log',
      version: 1,
      startedAt: this.#startedAt.toISOString(),
      image,
      groundTruth: { name: this.groundTruthName, areaPx },
      context,
      clicksToIou,
      secondsToIou,
      finalIou: this.#entries.at(-1)?.iou ?? null,
      entries: [...this.#entries],
    };
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
