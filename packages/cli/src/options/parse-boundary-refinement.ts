import { parseBoundaryRefinementSpec } from '@simpleclick/core/internal';
import { InvalidArgumentError } from 'commander';

/** What `--boundary-refinement` parses to: off, on with the SDK's defaults, or on with some values set. */
export type BoundaryRefinementArg = ReturnType<typeof parseBoundaryRefinementSpec>;

/**
 * `--boundary-refinement <spec>`: `on` (the SDK's default radius and eps), `off`, or `r=12,eps=1e-4,guide=rgb,s=2`
 * (any subset; the rest from the defaults; `s`: the fast filter's subsampling). The grammar is the core's
 * (`parseBoundaryRefinementSpec`, shared with the adapters' servers); the SDK checks the ranges.
 * @throws InvalidArgumentError (commander's) for a spec that does not parse.
 */
export function parseBoundaryRefinement(text: string): BoundaryRefinementArg {
  try {
    return parseBoundaryRefinementSpec(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
