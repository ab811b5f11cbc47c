import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseBoundaryRefinement } from './parse-boundary-refinement';

// The grammar itself is tested with the core's parser (core/src/predictor/parse-boundary-refinement-spec.test.ts).
describe('parseBoundaryRefinement', () => {
  it('reads on, off and key=value lists', () => {
    expect(parseBoundaryRefinement('on')).toBe(true);
    expect(parseBoundaryRefinement(' OFF ')).toBe(false);
    expect(parseBoundaryRefinement('r=12,eps=1e-4,guide=rgb')).toEqual({ radiusPx: 12, eps: 1e-4, guide: 'rgb' });
    expect(parseBoundaryRefinement('radius=3')).toEqual({ radiusPx: 3 });
    expect(parseBoundaryRefinement('s=2')).toEqual({ subsample: 2 });
    expect(parseBoundaryRefinement('guide=gray, eps=0.01')).toEqual({ guide: 'gray', eps: 0.01 });
  });

  it.each(['', 'yes', 'r=', 'r=1.5', 'eps=-1', 'eps=x', 'guide=lab', 's=1.5', 'size=3', 'r=3=4'])(
    'rejects %j with the error commander reports as a usage error',
    (text) => {
      expect(() => parseBoundaryRefinement(text)).toThrow(InvalidArgumentError);
      expect(() => parseBoundaryRefinement(text)).toThrow(/expected "on", "off" or comma-separated/);
    },
  );
});
