import { InvalidArgumentError } from '../errors';
import type { PredictorOptionsInput } from './predictor-options';

/** What a boundary refinement spec parses to: off, on with the SDK's defaults, or on with some values set. */
export type BoundaryRefinementSpec = Exclude<PredictorOptionsInput['boundaryRefinement'], undefined>;

const USAGE =
  'expected "on", "off" or comma-separated r=<int>, eps=<number>, guide=rgb|gray, s=<int> (e.g. "r=12,eps=1e-4,s=2")';

/**
 * The one grammar of the `--boundary-refinement <spec>` flags (the CLI's eval and bench, the adapters' servers) and
 * the `SIMPLECLICK_BOUNDARY_REFINEMENT` variables: `on` (the SDK's default radius and eps), `off`, or
 * `r=12,eps=1e-4,guide=rgb,s=2` (any subset, keys also `radius` and `subsample`; the rest from the defaults; `s`:
 * the fast filter's subsampling). Case and spaces around the parts do not matter. Only the grammar is checked:
 * {@link resolvePredictorOptions} checks the ranges.
 * @throws InvalidArgumentError whose message is the grammar, for the caller to put after its flag or variable name.
 */
export function parseBoundaryRefinementSpec(text: string): BoundaryRefinementSpec {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'on') return true;
  if (trimmed === 'off') return false;
  const result: { radiusPx?: number; eps?: number; guide?: 'rgb' | 'gray'; subsample?: number } = {};
  for (const part of trimmed.split(',')) {
    const [key, value, extra] = part.split('=').map((piece) => piece.trim());
    if (value === undefined || extra !== undefined || value === '') throw new InvalidArgumentError(USAGE);
    if (key === 'r' || key === 'radius') {
      if (!/^\d+$/.test(value)) throw new InvalidArgumentError(USAGE);
      result.radiusPx = Number(value);
    } else if (key === 'eps') {
      const eps = Number(value);
      if (!Number.isFinite(eps) || eps <= 0) throw new InvalidArgumentError(USAGE);
      result.eps = eps;
    } else if (key === 's' || key === 'subsample') {
      if (!/^\d+$/.test(value)) throw new InvalidArgumentError(USAGE);
      result.subsample = Number(value);
    } else if (key === 'guide') {
      if (value !== 'rgb' && value !== 'gray') throw new InvalidArgumentError(USAGE);
      result.guide = value;
    } else {
      throw new InvalidArgumentError(USAGE);
    }
  }
  return result;
}
