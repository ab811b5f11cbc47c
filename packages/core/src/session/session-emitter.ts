import { EventEmitter } from 'eventemitter3';
import { nowMs } from '../clock';
import { LazyFloatMap } from '../image/lazy-float-map';
import { expandCrop, type ProbabilityCrop } from './probability-crop';
import type { PredictionTiming, SegmentationSessionEvents } from './session-events';
import type { SessionOperationKind, SessionState } from './session-state';

/** When an operation started waiting and running, for {@link PredictionTiming}. */
export interface OperationClock {
  readonly enqueuedAtMs: number;
  readonly startedAtMs: number;
  readonly predictMs: number;
}

/** A change to announce: see {@link SessionEmitter.emitChange}. */
export interface AppliedChange {
  readonly cause: SessionOperationKind;
  readonly clock: OperationClock;
  /** The state after it. */
  readonly state: SessionState;
  /** Whether the current object's mask may have changed (then `prediction` is emitted too). */
  readonly currentMaskChanged: boolean;
  /** The current object's probabilities, and the image size they expand to. */
  readonly crop: ProbabilityCrop | undefined;
  readonly width: number;
  readonly height: number;
}

/**
 * A session's events (eventemitter3): listeners, and emission that a throwing listener cannot break (its
 * exception goes to the `error` listeners instead).
 */
export class SessionEmitter {
  readonly #emitter = new EventEmitter<SegmentationSessionEvents>();
  /** The session's revision, for the `error` event of a throwing listener. */
  readonly #revision: () => number;

  constructor(revision: () => number) {
    this.#revision = revision;
  }

  on<K extends keyof SegmentationSessionEvents>(
    event: K,
    listener: (...args: SegmentationSessionEvents[K]) => void,
  ): void {
    this.#emitter.on(event, listener);
  }

  once<K extends keyof SegmentationSessionEvents>(
    event: K,
    listener: (...args: SegmentationSessionEvents[K]) => void,
  ): void {
    this.#emitter.once(event, listener);
  }

  off<K extends keyof SegmentationSessionEvents>(
    event: K,
    listener?: (...args: SegmentationSessionEvents[K]) => void,
  ): void {
    this.#emitter.off(event, listener);
  }

  removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }

  /** Announces an applied change: `prediction` (when the current mask may have changed and anyone listens), then `change`. */
  emitChange({ cause, clock, state, currentMaskChanged, crop, width, height }: AppliedChange): void {
    if (currentMaskChanged && this.#emitter.listenerCount('prediction') > 0) {
      const timing: PredictionTiming = {
        queuedMs: clock.startedAtMs - clock.enqueuedAtMs,
        predictMs: clock.predictMs,
        totalMs: nowMs() - clock.enqueuedAtMs,
      };
      this.emit('prediction', {
        revision: state.revision,
        cause,
        objectId: state.currentObjectId,
        mask: state.mask,
        // Built on first read of `data` only: a listener that draws the mask never pays for a full-size map.
        probabilities: new LazyFloatMap(width, height, () => expandCrop(crop, width, height).data),
        clicks: state.clicks,
        threshold: state.threshold,
        timing,
      });
    }
    this.emit('change', { revision: state.revision, cause, state });
  }

  /** Emits without letting a throwing listener break the queue; its exception goes to `error` listeners. */
  emit<K extends keyof SegmentationSessionEvents>(event: K, ...args: SegmentationSessionEvents[K]): void {
    try {
      (this.#emitter.emit as (event: K, ...rest: SegmentationSessionEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      if (event === 'error') return; // A throwing error listener has nowhere left to report to.
      try {
        this.#emitter.emit('error', { revision: this.#revision(), operation: 'listener', error });
      } catch {
        // Same: nowhere left to report.
      }
    }
  }
}
