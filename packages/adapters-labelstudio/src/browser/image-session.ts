import { SegmentationSession, type Click, type ClickSegmenter, type RgbImage, type SessionState } from '@simpleclick/core';

/** The state of one object after {@link ImageSession.syncClicks}. */
export interface SyncedObject {
  readonly objectId: number;
  readonly state: SessionState;
  /** Model runs this sync needed (0 when the clicks were already there, or only undo steps were needed). */
  readonly modelRuns: number;
  /** false when `shouldStop` ended it early: the object then holds a prefix of the clicks asked for. */
  readonly complete: boolean;
}

/**
 * One task image: its {@link SegmentationSession} and which session object each group of smart keypoints
 * (one per annotation, image and label) is. Label Studio sends the whole click list of a group every time;
 * {@link syncClicks} brings the object to that list with as few model runs as the session's history allows.
 */
export class ImageSession {
  readonly image: RgbImage;
  readonly #session: SegmentationSession;
  /** Group key -> session object id. */
  readonly #objectIds = new Map<string, number>();
  /** Group key -> the region id the group's suggestions carry (stable, so each new suggestion replaces the last). */
  readonly #regionIds = new Map<string, string>();

  private constructor(image: RgbImage, session: SegmentationSession) {
    this.image = image;
    this.#session = session;
  }

  /** A session on `image` over `predictor` (shared: the session does not close it). */
  static async create(predictor: ClickSegmenter<unknown>, image: RgbImage): Promise<ImageSession> {
    return new ImageSession(image, await SegmentationSession.create(predictor, image));
  }

  /** The region id of a group's suggestions, made on first use by `makeId`. */
  regionIdOf(groupKey: string, makeId: () => string): string {
    let id = this.#regionIds.get(groupKey);
    if (id === undefined) {
      id = makeId();
      this.#regionIds.set(groupKey, id);
    }
    return id;
  }

  /** Full-size probabilities of an object (for the score). */
  probabilities(objectId: number): Float32Array {
    return this.#session.getProbabilities(objectId).data;
  }

  /**
   * Makes the group's object current and gives it exactly `clicks`: the clicks beyond those it has are added
   * (one model run each); when it has clicks that differ (a keypoint moved or deleted), it steps back through
   * its undo history to the longest common prefix, or resets, and replays from there. `shouldStop` is asked
   * before each model run: a newer request makes the rest of this one useless.
   */
  async syncClicks(groupKey: string, clicks: readonly Click[], shouldStop: () => boolean): Promise<SyncedObject> {
    let state = await this.#selectObjectOf(groupKey);
    const objectId = state.currentObjectId;
    const common = commonPrefixLength(state.clicks, clicks);
    // Undo steps cost no model run; at most as many as clicks to drop (the history may hold resets too).
    for (let steps = state.clicks.length - common; steps > 0 && state.canUndo && !isPrefix(state.clicks, clicks); steps--) {
      state = await this.#session.undo();
    }
    if (!isPrefix(state.clicks, clicks)) state = await this.#session.reset();
    let modelRuns = 0;
    for (let index = state.clicks.length; index < clicks.length; index++) {
      if (shouldStop()) return { objectId, state, modelRuns, complete: false };
      state = await this.#session.addClick(clicks[index]);
      modelRuns++;
    }
    return { objectId, state, modelRuns, complete: true };
  }

  /** Frees the session's states (not the predictor). */
  close(): Promise<void> {
    return this.#session.close();
  }

  async #selectObjectOf(groupKey: string): Promise<SessionState> {
    const session = this.#session;
    let state = session.getState();
    const known = this.#objectIds.get(groupKey);
    if (known !== undefined && state.objects.some((object) => object.id === known)) {
      return known === state.currentObjectId ? state : session.selectObject(known);
    }
    // A new group: the current object serves when it is empty and no group owns it, else a new one starts.
    const currentIsFree =
      state.clicks.length === 0 && ![...this.#objectIds.values()].includes(state.currentObjectId);
    if (!currentIsFree) state = await session.finishObject();
    // finishObject keeps an untouched placeholder current: a group that held it had no clicks, and loses it.
    for (const [key, id] of this.#objectIds) if (id === state.currentObjectId) this.#objectIds.delete(key);
    this.#objectIds.set(groupKey, state.currentObjectId);
    return state;
  }
}

function commonPrefixLength(a: readonly Click[], b: readonly Click[]): number {
  let length = 0;
  while (length < a.length && length < b.length && sameClick(a[length], b[length])) length++;
  return length;
}

function isPrefix(prefix: readonly Click[], clicks: readonly Click[]): boolean {
  return prefix.length <= clicks.length && commonPrefixLength(prefix, clicks) === prefix.length;
}

function sameClick(a: Click, b: Click): boolean {
  return a.xPx === b.xPx && a.yPx === b.yPx && a.isPositive === b.isPositive;
}
