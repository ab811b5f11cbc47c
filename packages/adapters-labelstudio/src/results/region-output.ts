/**
 * Which Label Studio regions a prediction holds: `'auto'` a brush region when the labeling config has a
 * `<BrushLabels>` for the image, else polygons when it has a `<PolygonLabels>`; `'brush'` / `'polygon'` only
 * that kind; `'both'` both kinds (each needs its tag in the config).
 */
export type RegionOutput = 'auto' | 'brush' | 'polygon' | 'both';

/** How masks become `polygonlabels` regions. */
export interface PolygonOutputOptions {
  /** Vertex budget per polygon (at least 3); none by default (exact pixel outlines, simplified by `epsilonPx`). */
  readonly maxVertices?: number;
  /** Douglas-Peucker tolerance in pixels (default 1: removes the staircase of pixel outlines). */
  readonly epsilonPx: number;
  /** Components smaller than this many pixels get no polygon (default 0). */
  readonly minAreaPx: number;
}

/** Defaults of {@link PolygonOutputOptions}. */
export const DEFAULT_POLYGON_OUTPUT_OPTIONS: PolygonOutputOptions = Object.freeze({ epsilonPx: 1, minAreaPx: 0 });
