import { InvalidArgumentError } from '../../errors';
import type { RgbImage } from '../../image/rgb-image';
import type { EvaluationResult } from '../evaluate';
import { Raster, textHeightPx, textWidthPx, type Rgb } from './raster';

/** One line of the plot: mean IoU (a fraction in [0, 1]) after click 1, 2, ... */
export interface MiouCurve {
  readonly label: string;
  readonly meanIouPerClick: readonly number[];
}

/** Options of {@link renderMiouPlot}. */
export interface MiouPlotOptions {
  /** Title above the axes, e.g. the dataset name. */
  readonly title: string;
  readonly widthPx: number;
  readonly heightPx: number;
  /**
   * Y axis range in percent, e.g. `[80, 100]` like the official GrabCut plots. Default: from the data, widened
   * to whole tick steps.
   */
  readonly yRangePercent?: readonly [number, number];
  /** Size of a font pixel for labels (the title is one step larger). */
  readonly textScale: number;
}

/** Defaults of {@link MiouPlotOptions}. */
export const DEFAULT_MIOU_PLOT_OPTIONS: MiouPlotOptions = Object.freeze({
  title: 'mIoU per click',
  widthPx: 960,
  heightPx: 600,
  textScale: 2,
});

/** Line colours, one per curve in order (matplotlib's "tab10", a palette people can tell apart). */
export const CURVE_COLORS: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const GRID: Rgb = [205, 205, 205];
const LEGEND_BORDER: Rgb = [160, 160, 160];

/** The mIoU curve of an evaluation run, labelled (by default) with its dataset name. */
export function miouCurveOf(result: EvaluationResult, label: string = result.datasetName): MiouCurve {
  return { label, meanIouPerClick: result.summary.meanIouPerClick };
}

/**
 * Draws mIoU (percent) against the number of clicks, one coloured line with dots per curve, with axes, ticks, a
 * dashed grid, axis labels, a title and a legend in the lower right (the layout of the official
 * `plot_ious_analysis.py`). Returns an RGB image; {@link encodeRgbPng} turns it into a PNG file.
 *
 * @throws InvalidArgumentError when there is no curve, a curve is empty or holds a value outside [0, 1], or the
 *   size is too small to draw in.
 */
export function renderMiouPlot(curves: readonly MiouCurve[], options: Partial<MiouPlotOptions> = {}): RgbImage {
  const { title, widthPx, heightPx, yRangePercent, textScale } = { ...DEFAULT_MIOU_PLOT_OPTIONS, ...options };
  validate(curves, widthPx, heightPx, textScale);
  const scale = textScale;
  const lineHeight = textHeightPx(scale);
  const clickCount = Math.max(...curves.map((curve) => curve.meanIouPerClick.length));
  const percents = curves.flatMap((curve) => curve.meanIouPerClick.map((iou) => iou * 100));
  const yAxis = yRangePercent ? fixedAxis(yRangePercent) : niceAxis(Math.min(...percents), Math.max(...percents));
  const yTickLabels = yAxis.ticks.map((tick) => formatTick(tick, yAxis.step));

  // Layout: title on top; y-axis label, tick labels and the axes on the left; tick labels and x label below.
  const left = 16 + lineHeight + 12 + Math.max(...yTickLabels.map((label) => textWidthPx(label, scale))) + 10;
  const right = widthPx - 28;
  const top = 20 + textHeightPx(scale + 1) + 18;
  const bottom = heightPx - (16 + lineHeight + 12 + lineHeight + 10);
  if (right - left < 100 || bottom - top < 80) {
    throw new InvalidArgumentError(`plot size ${widthPx} x ${heightPx} is too small for its labels`);
  }
  const xFirst = clickCount === 1 ? 0.5 : 1;
  const xLast = clickCount === 1 ? 1.5 : clickCount;
  const padPx = 12; // keeps the first and last dots off the frame
  const xToPx = (click: number) => left + padPx + ((click - xFirst) / (xLast - xFirst)) * (right - left - 2 * padPx);
  const yToPx = (percent: number) => bottom - ((percent - yAxis.min) / (yAxis.max - yAxis.min)) * (bottom - top);

  const raster = new Raster(widthPx, heightPx, WHITE);
  raster.drawText(title, Math.round((widthPx - textWidthPx(title, scale + 1)) / 2), 20, BLACK, scale + 1);

  // Grid and ticks.
  yAxis.ticks.forEach((tick, i) => {
    const y = Math.round(yToPx(tick));
    raster.drawDashedLine(left, y, right, y, GRID);
    raster.fillRect(left - 6, y, left - 1, y, BLACK);
    const label = yTickLabels[i];
    raster.drawText(label, left - 10 - textWidthPx(label, scale), y - Math.floor(lineHeight / 2) + scale, BLACK, scale);
  });
  const xStep = clickCount <= 25 ? 1 : 5;
  for (let click = 1; click <= clickCount; click++) {
    if (click !== 1 && click % xStep !== 0) continue;
    const x = Math.round(xToPx(click));
    raster.drawDashedLine(x, top, x, bottom, GRID);
    raster.fillRect(x, bottom + 1, x, bottom + 6, BLACK);
    const label = String(click);
    raster.drawText(label, x - Math.floor(textWidthPx(label, scale) / 2), bottom + 12, BLACK, scale);
  }
  raster.strokeRect(left, top, right, bottom, BLACK, 2);

  // Axis labels.
  const xLabel = 'Number of Clicks';
  raster.drawText(xLabel, Math.round((left + right - textWidthPx(xLabel, scale)) / 2), heightPx - 10 - lineHeight, BLACK, scale);
  const yLabel = 'mIoU score (%)';
  raster.drawText(yLabel, 16, Math.round((top + bottom + textWidthPx(yLabel, scale)) / 2), BLACK, scale, true);

  // Curves: clipped to the axes by clamping values into the y range.
  curves.forEach((curve, index) => {
    const color = CURVE_COLORS[index % CURVE_COLORS.length];
    const points = curve.meanIouPerClick.map((iou, k) => {
      const percent = Math.min(yAxis.max, Math.max(yAxis.min, iou * 100));
      return [xToPx(k + 1), yToPx(percent)] as const;
    });
    for (let k = 1; k < points.length; k++) {
      raster.drawLine(points[k - 1][0], points[k - 1][1], points[k][0], points[k][1], color, 3);
    }
    for (const [x, y] of points) raster.fillDisk(x, y, 3.5, color);
  });

  drawLegend(raster, curves, { right, bottom, scale });
  return raster.toImage();
}

function drawLegend(raster: Raster, curves: readonly MiouCurve[], at: { right: number; bottom: number; scale: number }): void {
  const { scale } = at;
  const lineHeight = textHeightPx(scale);
  const swatchPx = 28;
  const rowPx = lineHeight + 8;
  const widthPx = 12 + swatchPx + 8 + Math.max(...curves.map((curve) => textWidthPx(curve.label, scale))) + 12;
  const heightPx = 8 + rowPx * curves.length;
  const x0 = at.right - 12 - widthPx;
  const y0 = at.bottom - 12 - heightPx;
  raster.fillRect(x0, y0, x0 + widthPx, y0 + heightPx, WHITE);
  raster.strokeRect(x0, y0, x0 + widthPx, y0 + heightPx, LEGEND_BORDER);
  curves.forEach((curve, index) => {
    const color = CURVE_COLORS[index % CURVE_COLORS.length];
    const rowTop = y0 + 8 + index * rowPx;
    const midY = rowTop + Math.floor(lineHeight / 2) - scale;
    raster.drawLine(x0 + 12, midY, x0 + 12 + swatchPx, midY, color, 3);
    raster.fillDisk(x0 + 12 + swatchPx / 2, midY, 3.5, color);
    raster.drawText(curve.label, x0 + 12 + swatchPx + 8, rowTop, [40, 40, 40], scale);
  });
}

interface Axis {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly ticks: readonly number[];
}

/** An axis over [low, high] widened to whole steps of 1, 2, 5, 10, 20 or 25 percent (at most 10 intervals). */
function niceAxis(low: number, high: number): Axis {
  const steps = [0.5, 1, 2, 5, 10, 20, 25];
  let lo = Math.max(0, low);
  let hi = Math.min(100, high);
  if (hi - lo < 1) {
    lo = Math.max(0, lo - 1);
    hi = Math.min(100, hi + 1);
  }
  const step = steps.find((candidate) => (hi - lo) / candidate <= 10) ?? 25;
  const min = Math.max(0, Math.floor(lo / step) * step);
  let max = Math.min(100, Math.ceil(hi / step) * step);
  if (max <= min) max = min + step;
  return { min, max, step, ticks: ticksOf(min, max, step) };
}

function fixedAxis([min, max]: readonly [number, number]): Axis {
  if (!(Number.isFinite(min) && Number.isFinite(max) && max > min)) {
    throw new InvalidArgumentError(`yRangePercent must be [min, max] with max > min, got [${min}, ${max}]`);
  }
  const steps = [0.5, 1, 2, 5, 10, 20, 25, 50];
  const step = steps.find((candidate) => (max - min) / candidate <= 10) ?? 50;
  return { min, max, step, ticks: ticksOf(Math.ceil(min / step) * step, max, step) };
}

function ticksOf(first: number, max: number, step: number): number[] {
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= max + 1e-9; i++) ticks.push(first + i * step);
  return ticks;
}

function formatTick(value: number, step: number): string {
  return Number.isInteger(step) ? String(Math.round(value)) : value.toFixed(1);
}

function validate(curves: readonly MiouCurve[], widthPx: number, heightPx: number, textScale: number): void {
  if (curves.length === 0) throw new InvalidArgumentError('renderMiouPlot needs at least one curve');
  for (const curve of curves) {
    if (curve.meanIouPerClick.length === 0) throw new InvalidArgumentError(`curve "${curve.label}" is empty`);
    if (curve.meanIouPerClick.some((iou) => !(iou >= 0 && iou <= 1))) {
      throw new InvalidArgumentError(`curve "${curve.label}" has values outside [0, 1] (mean IoU is a fraction)`);
    }
  }
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) {
    throw new InvalidArgumentError(`plot size must be positive integers, got ${widthPx} x ${heightPx}`);
  }
  if (!Number.isInteger(textScale) || textScale < 1 || textScale > 8) {
    throw new InvalidArgumentError(`textScale must be an integer in 1..8, got ${textScale}`);
  }
}
