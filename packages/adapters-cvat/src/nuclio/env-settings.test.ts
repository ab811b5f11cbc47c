import { InvalidArgumentError } from '@simpleclick/core';
import { describe, expect, it } from 'vitest';
import { interactorSettingsFromEnv, parseBoundaryRefinementOption } from './env-settings';

describe('SIMPLECLICK_BOUNDARY_REFINEMENT', () => {
  const predictor = (env: Record<string, string>) => interactorSettingsFromEnv(env).options.predictor;

  it('passes on, off and key=value lists into the predictor options; unset or empty: the preset decides', () => {
    expect(predictor({})).toBeUndefined();
    expect(predictor({ SIMPLECLICK_BOUNDARY_REFINEMENT: '' })).toBeUndefined();
    expect(predictor({ SIMPLECLICK_BOUNDARY_REFINEMENT: 'off' })).toEqual({ boundaryRefinement: false });
    expect(predictor({ SIMPLECLICK_BOUNDARY_REFINEMENT: 'On', SIMPLECLICK_PRESET: 'parity' })).toEqual({
      preset: 'parity',
      boundaryRefinement: true,
    });
    expect(predictor({ SIMPLECLICK_BOUNDARY_REFINEMENT: 'r=8, eps=1e-3, guide=gray, s=1' })).toEqual({
      boundaryRefinement: { radiusPx: 8, eps: 1e-3, guide: 'gray', subsample: 1 },
    });
  });

  it.each(['yes', 'r=1.5', 'guide=lab', 'size=3', 'r=0', 'r=300', 'eps=2', 's=9'])(
    'refuses %j at start-up with a typed error naming the variable',
    (value) => {
      const read = () => interactorSettingsFromEnv({ SIMPLECLICK_BOUNDARY_REFINEMENT: value });
      expect(read).toThrow(InvalidArgumentError);
      expect(read).toThrow(`SIMPLECLICK_BOUNDARY_REFINEMENT "${value}": `);
    },
  );

  it('names the flag it was given', () => {
    expect(parseBoundaryRefinementOption(undefined, '--boundary-refinement', 'interactive')).toBeUndefined();
    expect(() => parseBoundaryRefinementOption('maybe', '--boundary-refinement', 'interactive')).toThrow(
      /^--boundary-refinement "maybe": expected "on", "off" or comma-separated/,
    );
  });
});
