import { InvalidArgumentError } from '@simpleclick/core';
import type { EvaluationResult } from '@simpleclick/core/eval';

/** One line of the plot: mean IoU (a fraction in [0, 1]) after click 1, 2, ... */
export interface MiouCurve {
  readonly label: string;
  readonly meanIouPerClick: readonly number[];
}

/** Options of {@link renderMiouPlotSvg}. */
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
  /** Font size of the labels in pixels (the title is a fifth larger). */
  readonly fontSizePx: number;
}

/** Defaults of {@link MiouPlotOptions}. */
export const DEFAULT_MIOU_PLOT_OPTIONS: MiouPlotOptions = Object.freeze({
  title: 'mIoU per click',
  widthPx: 960,
  heightPx: 600,
  fontSizePx: 16,
});

/** Line colours, one per curve in order (matplotlib's "tab10", a palette people can tell apart). */
export const CURVE_COLORS: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** The mIoU curve of an evaluation run, labelled (by default) with its dataset name. */
export function miouCurveOf(result: EvaluationResult, label: string = result.datasetName): MiouCurve {
  return { label, meanIouPerClick: result.summary.meanIouPerClick };
}

/**
 * Draws mIoU (percent) against the number of clicks as an SVG document: one coloured line with dots per curve,
 * axes, ticks, a dashed grid, axis labels, a title and a legend in the lower right (the layout of the official
 * `plot_ious_analysis.py`). Text is real SVG text (any viewer's fonts), so the plot stays sharp at any size;
 * {@link svgToPng} rasterises it.
 *
 * @throws InvalidArgumentError when there is no curve, a curve is empty or holds a value outside [0, 1], or the
 *   size is too small to draw in.
 */
export function renderMiouPlotSvg(curves: readonly MiouCurve[], options: Partial<MiouPlotOptions> = {}): string {
  const { title, widthPx, heightPx, yRangePercent, fontSizePx } = { ...DEFAULT_MIOU_PLOT_OPTIONS, ...options };
  validate(curves, widthPx, heightPx, fontSizePx);
  const clickCount = Math.max(...curves.map((curve) => curve.meanIouPerClick.length));
  const percents = curves.flatMap((curve) => curve.meanIouPerClick.map((iou) => iou * 100));
  const yAxis = yRangePercent ? fixedAxis(yRangePercent) : niceAxis(Math.min(...percents), Math.max(...percents));
  const yTickLabels = yAxis.ticks.map((tick) => formatTick(tick, yAxis.step));

  // Layout: title on top; y-axis label, tick labels and the axes on the left; tick labels and x label below.
  const charWidthPx = fontSizePx * 0.6; // an estimate for sans-serif digits and letters, for the margins only
  const left = 16 + fontSizePx + 12 + Math.max(...yTickLabels.map((label) => label.length * charWidthPx)) + 10;
  const right = widthPx - 28;
  const top = 20 + fontSizePx * 1.2 + 18;
  const bottom = heightPx - (16 + fontSizePx + 12 + fontSizePx + 10);
  if (right - left < 100 || bottom - top < 80) {
    throw new InvalidArgumentError(`plot size ${widthPx} x ${heightPx} is too small for its labels`);
  }
  const xFirst = clickCount === 1 ? 0.5 : 1;
  const xLast = clickCount === 1 ? 1.5 : clickCount;
  const padPx = 12; // keeps the first and last dots off the frame
  const xToPx = (click: number) => left + padPx + ((click - xFirst) / (xLast - xFirst)) * (right - left - 2 * padPx);
  const yToPx = (percent: number) => bottom - ((percent - yAxis.min) / (yAxis.max - yAxis.min)) * (bottom - top);

  const parts: string[] = [];
  parts.push(`<rect width="${widthPx}" height="${heightPx}" fill="#ffffff"/>`);
  parts.push(text(title, widthPx / 2, 20 + fontSizePx * 1.2, { size: fontSizePx * 1.2, anchor: 'middle' }));

  // Grid and ticks.
  yAxis.ticks.forEach((tick, i) => {
    const y = round(yToPx(tick));
    parts.push(`<line x1="${round(left)}" y1="${y}" x2="${right}" y2="${y}" stroke="#cdcdcd" stroke-dasharray="4 4"/>`);
    parts.push(`<line x1="${round(left - 6)}" y1="${y}" x2="${round(left)}" y2="${y}" stroke="#000000"/>`);
    parts.push(text(yTickLabels[i], left - 10, y + fontSizePx * 0.35, { size: fontSizePx, anchor: 'end' }));
  });
  const xStep = clickCount <= 25 ? 1 : 5;
  for (let click = 1; click <= clickCount; click++) {
    if (click !== 1 && click % xStep !== 0) continue;
    const x = round(xToPx(click));
    parts.push(
      `<line x1="${x}" y1="${round(top)}" x2="${x}" y2="${round(bottom)}" stroke="#cdcdcd" stroke-dasharray="4 4"/>`,
    );
    parts.push(`<line x1="${x}" y1="${round(bottom)}" x2="${x}" y2="${round(bottom + 6)}" stroke="#000000"/>`);
    parts.push(text(String(click), x, bottom + 12 + fontSizePx, { size: fontSizePx, anchor: 'middle' }));
  }
  parts.push(
    `<rect x="${round(left)}" y="${round(top)}" width="${round(right - left)}" height="${round(bottom - top)}" fill="none" stroke="#000000" stroke-width="2"/>`,
  );

  // Axis labels.
  parts.push(text('Number of Clicks', (left + right) / 2, heightPx - 10, { size: fontSizePx, anchor: 'middle' }));
  const yLabelX = 16 + fontSizePx;
  const yLabelY = (top + bottom) / 2;
  parts.push(text('mIoU score (%)', yLabelX, yLabelY, { size: fontSizePx, anchor: 'middle', rotate: true }));

  // Curves: clipped to the axes by clamping values into the y range.
  curves.forEach((curve, index) => {
    const color = CURVE_COLORS[index % CURVE_COLORS.length];
    const points = curve.meanIouPerClick.map((iou, k) => {
      const percent = Math.min(yAxis.max, Math.max(yAxis.min, iou * 100));
      return `${round(xToPx(k + 1))},${round(yToPx(percent))}`;
    });
    if (points.length > 1) {
      parts.push(
        `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="3" stroke-linejoin="round"/>`,
      );
    }
    for (const point of points) {
      const [x, y] = point.split(',');
      parts.push(`<circle cx="${x}" cy="${y}" r="3.5" fill="${color}"/>`);
    }
  });

  // Legend in the lower right of the axes.
  const swatchPx = 28;
  const rowPx = fontSizePx + 8;
  const legendWidth = 12 + swatchPx + 8 + Math.max(...curves.map((curve) => curve.label.length * charWidthPx)) + 12;
  const legendHeight = 8 + rowPx * curves.length;
  const x0 = right - 12 - legendWidth;
  const y0 = bottom - 12 - legendHeight;
  parts.push(
    `<rect x="${round(x0)}" y="${round(y0)}" width="${round(legendWidth)}" height="${round(legendHeight)}" fill="#ffffff" stroke="#a0a0a0"/>`,
  );
  curves.forEach((curve, index) => {
    const color = CURVE_COLORS[index % CURVE_COLORS.length];
    const midY = round(y0 + 8 + index * rowPx + fontSizePx / 2);
    parts.push(
      `<line x1="${round(x0 + 12)}" y1="${midY}" x2="${round(x0 + 12 + swatchPx)}" y2="${midY}" stroke="${color}" stroke-width="3"/>`,
    );
    parts.push(`<circle cx="${round(x0 + 12 + swatchPx / 2)}" cy="${midY}" r="3.5" fill="${color}"/>`);
    parts.push(
      text(curve.label, x0 + 12 + swatchPx + 8, midY + fontSizePx * 0.35, { size: fontSizePx, color: '#282828' }),
    );
  });

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}" ` +
    `font-family="DejaVu Sans, Helvetica, Arial, sans-serif">\n${parts.join('\n')}\n</svg>\n`
  );
}

interface TextStyle {
  readonly size: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly color?: string;
  /** Rotated 90 degrees counter-clockwise about (x, y), for the y-axis label. */
  readonly rotate?: boolean;
}

function text(content: string, x: number, y: number, style: TextStyle): string {
  const transform = style.rotate ? ` transform="rotate(-90 ${round(x)} ${round(y)})"` : '';
  return (
    `<text x="${round(x)}" y="${round(y)}" font-size="${round(style.size)}" text-anchor="${style.anchor ?? 'start'}" ` +
    `fill="${style.color ?? '#000000'}"${transform}>${escapeXml(content)}</text>`
  );
}

function escapeXml(content: string): string {
  return content.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
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

function validate(curves: readonly MiouCurve[], widthPx: number, heightPx: number, fontSizePx: number): void {
  if (curves.length === 0) throw new InvalidArgumentError('an mIoU plot needs at least one curve');
  for (const curve of curves) {
    if (curve.meanIouPerClick.length === 0) throw new InvalidArgumentError(`curve "${curve.label}" is empty`);
    if (curve.meanIouPerClick.some((iou) => !(iou >= 0 && iou <= 1))) {
      throw new InvalidArgumentError(`curve "${curve.label}" has values outside [0, 1] (mean IoU is a fraction)`);
    }
  }
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) {
    throw new InvalidArgumentError(`plot size must be positive integers, got ${widthPx} x ${heightPx}`);
  }
  if (!(fontSizePx >= 6 && fontSizePx <= 64)) {
    throw new InvalidArgumentError(`fontSizePx must be in [6, 64], got ${fontSizePx}`);
  }
}
