// Test-only: a stand-in for the Label Studio 1.4.0 frontend with the behaviour the plugin relies on (see
// ../label-studio-frontend.ts): `on`/`off`, smart keypoints that serialize as the real ones do, the
// `regionFinishedDrawing(region, group)` event with the group Label Studio computes, and a `loadSuggestions`
// that applies only the answer of its newest call.
import type { LabelStudioAppStore, LabelStudioLike, LabelStudioRegion } from '../label-studio-frontend';

type Listener = (...args: never[]) => unknown;

/** A smart keypoint as the fake annotation holds it. */
export interface FakeKeypoint {
  readonly cleanId: string;
  label: string;
  xPercent: number;
  yPercent: number;
  isPositive: boolean;
}

export class FakeLabelStudioFrontend implements LabelStudioLike {
  readonly listeners = new Map<string, Set<Listener>>();
  readonly keypoints: FakeKeypoint[] = [];
  /** Every loadSuggestions call: its request and, once settled, what it set (undefined when superseded). */
  readonly loadCalls: { request: Promise<unknown>; applied?: unknown[] }[] = [];
  /** The annotation's suggestions (what the newest loadSuggestions set). */
  suggestions: unknown[] = [];
  /** Extra non-keypoint results the annotation holds (they must be ignored). */
  otherResults: unknown[] = [];
  readonly store: LabelStudioAppStore;
  #nextId = 1;

  constructor(
    config: string,
    taskData: Record<string, unknown>,
    readonly naturalWidthPx: number,
    readonly naturalHeightPx: number,
  ) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the store's methods below have their own `this`.
    const frontend = this;
    this.store = {
      config,
      task: { id: 7, dataObj: taskData },
      annotationStore: {
        selected: {
          id: 'annotation-1',
          serializeAnnotation: () => [
            ...frontend.otherResults,
            ...frontend.keypoints.map((keypoint) => frontend.#serialize(keypoint)),
          ],
        },
      },
      autoAcceptSuggestions: false,
      loadSuggestions(request: Promise<unknown>, dataParser: (response: unknown) => unknown[]) {
        const call: { request: Promise<unknown>; applied?: unknown[] } = { request };
        frontend.loadCalls.push(call);
        const number = frontend.loadCalls.length;
        return request.then((response) => {
          if (number !== frontend.loadCalls.length) return; // a newer call started: Label Studio drops this answer
          call.applied = dataParser(response);
          frontend.suggestions = call.applied;
        });
      },
    };
  }

  on(eventName: string, callback: Listener): void {
    if (!this.listeners.has(eventName)) this.listeners.set(eventName, new Set());
    this.listeners.get(eventName)!.add(callback);
  }

  off(eventName: string, callback?: Listener): void {
    if (callback === undefined) this.listeners.get(eventName)?.clear();
    else this.listeners.get(eventName)?.delete(callback);
  }

  listenerCount(eventName: string): number {
    return this.listeners.get(eventName)?.size ?? 0;
  }

  /** Places a smart keypoint (as a click with the smart tool does) and fires the event. */
  click(xPercent: number, yPercent: number, options: { isPositive?: boolean; label?: string } = {}): FakeKeypoint {
    const keypoint: FakeKeypoint = {
      cleanId: `kp${this.#nextId++}`,
      label: options.label ?? 'Banana',
      xPercent,
      yPercent,
      isPositive: options.isPositive ?? true,
    };
    this.keypoints.push(keypoint);
    this.finishDrawing(keypoint);
    return keypoint;
  }

  /** Moves a keypoint (a drag) and fires the event. */
  move(keypoint: FakeKeypoint, xPercent: number, yPercent: number): void {
    keypoint.xPercent = xPercent;
    keypoint.yPercent = yPercent;
    this.finishDrawing(keypoint);
  }

  /**
   * Deletes a keypoint and fires the event as Label Studio does: the group without it, and the region itself
   * already destroyed (Label Studio fires from beforeDestroy, after a timeout: the node reads back stale, here
   * as no label and no object).
   */
  remove(keypoint: FakeKeypoint): void {
    this.keypoints.splice(this.keypoints.indexOf(keypoint), 1);
    const destroyed: LabelStudioRegion = {
      id: `${keypoint.cleanId}#annotation-1`,
      type: 'keypointregion',
      object: null,
      dynamic: true,
    };
    this.emit('regionFinishedDrawing', destroyed, this.#group(keypoint.label));
  }

  /** `regionFinishedDrawing(region, group)` for a keypoint; the group: the dynamic keypoints with its label. */
  finishDrawing(keypoint: FakeKeypoint): void {
    this.emit('regionFinishedDrawing', this.#region(keypoint), this.#group(keypoint.label));
  }

  #group(label: string): LabelStudioRegion[] {
    return this.keypoints.filter((other) => other.label === label).map((other) => this.#region(other));
  }

  emit(eventName: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(eventName) ?? [])
      (listener as (...values: unknown[]) => unknown)(...args);
  }

  /** Waits for every loadSuggestions request so far. */
  async settled(): Promise<void> {
    for (let seen = -1; seen !== this.loadCalls.length;) {
      seen = this.loadCalls.length;
      await Promise.all(this.loadCalls.map((call) => call.request));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  #region(keypoint: FakeKeypoint): LabelStudioRegion {
    return {
      id: `${keypoint.cleanId}#annotation-1`,
      cleanId: keypoint.cleanId,
      type: 'keypointregion',
      labelName: keypoint.label,
      object: { name: 'image' },
      dynamic: true,
    };
  }

  /** As KeyPointRegion.serialize + Result.serialize of Label Studio 1.4.0 write a smart keypoint. */
  #serialize(keypoint: FakeKeypoint): unknown {
    return {
      original_width: this.naturalWidthPx,
      original_height: this.naturalHeightPx,
      image_rotation: 0,
      value: {
        x: keypoint.xPercent,
        y: keypoint.yPercent,
        width: 0.5,
        labels: [keypoint.label],
        keypointlabels: [keypoint.label],
      },
      is_positive: keypoint.isPositive,
      id: keypoint.cleanId,
      from_name: 'tag2',
      to_name: 'image',
      type: 'keypointlabels',
      origin: 'manual',
    };
  }
}
