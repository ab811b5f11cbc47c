/**
 * A box in full-image pixels with inclusive bounds: rows `rowMin..rowMax` and columns `colMin..colMax`, both ends
 * included, as the official code keeps its zoom-in region. The SDK's one box type: the predictor's zoom-in region,
 * a mask's bounding box ({@link maskBoundingBox}), the box of a CVAT mask.
 */
export interface Roi {
  readonly rowMin: number;
  readonly rowMax: number;
  readonly colMin: number;
  readonly colMax: number;
}
