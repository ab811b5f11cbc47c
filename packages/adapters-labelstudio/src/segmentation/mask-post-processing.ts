/** Mask clean-up after the model (each step off unless asked for). */
export interface MaskPostProcessing {
  /** Keep only the connected components under a positive click (the largest when no positive click is on the mask). */
  readonly keepClickedComponents: boolean;
  /** Fill holes of at most this many pixels (0: none, `Infinity`: all). */
  readonly fillHolesMaxAreaPx: number;
  /** Remove components of at most this many pixels (0: none). */
  readonly removeIslandsMaxAreaPx: number;
}

/** Defaults of {@link MaskPostProcessing}: the model's mask as it is. */
export const DEFAULT_MASK_POST_PROCESSING: MaskPostProcessing = Object.freeze({
  keepClickedComponents: false,
  fillHolesMaxAreaPx: 0,
  removeIslandsMaxAreaPx: 0,
});
