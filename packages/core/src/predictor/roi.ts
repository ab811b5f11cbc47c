/**
 * The zoom-in region of interest in full-image pixels, with inclusive bounds, as the official code keeps it:
 * the crop is rows `rowMin..rowMax` and columns `colMin..colMax`, both ends included.
 */
export interface Roi {
  readonly rowMin: number;
  readonly rowMax: number;
  readonly colMin: number;
  readonly colMax: number;
}
