import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import { parseBoundaryRefinementSpec } from './parse-boundary-refinement-spec';
import { resolvePredictorOptions } from './predictor-options';

describe('parseBoundaryRefinementSpec', () => {
  it('reads on, off and key=value lists', () => {
    expect(parseBoundaryRefinementSpec('on')).toBe(true);
    expect(parseBoundaryRefinementSpec(' OFF ')).toBe(false);
    expect(parseBoundaryRefinementSpec('r=12,eps=1e-4,guide=rgb')).toEqual({ radiusPx: 12, eps: 1e-4, guide: 'rgb' });
    expect(parseBoundaryRefinementSpec('radius=3')).toEqual({ radiusPx: 3 });
    expect(parseBoundaryRefinementSpec('s=2')).toEqual({ subsample: 2 });
    expect(parseBoundaryRefinementSpec('subsample=4,R=6')).toEqual({ subsample: 4, radiusPx: 6 });
    expect(parseBoundaryRefinementSpec('guide=gray, eps=0.01')).toEqual({ guide: 'gray', eps: 0.01 });
  });

  it('gives what the predictor options take', () => {
    expect(resolvePredictorOptions({ boundaryRefinement: parseBoundaryRefinementSpec('off') }).boundaryRefinement).toBe(
      undefined,
    );
    expect(
      resolvePredictorOptions({ boundaryRefinement: parseBoundaryRefinementSpec('r=6,guide=gray') }).boundaryRefinement,
    ).toMatchObject({ radiusPx: 6, guide: 'gray' });
  });

  it.each(['', 'yes', 'r=', 'r=1.5', 'eps=-1', 'eps=x', 'guide=lab', 's=1.5', 'size=3', 'r=3=4', 'r=3,'])(
    'rejects %j with the grammar in the message',
    (text) => {
      expect(() => parseBoundaryRefinementSpec(text)).toThrow(InvalidArgumentError);
      expect(() => parseBoundaryRefinementSpec(text)).toThrow(/expected "on", "off" or comma-separated/);
    },
  );
});
