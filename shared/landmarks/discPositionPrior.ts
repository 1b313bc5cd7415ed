import type { DiscPositionPrior } from './LandmarkPriors.js';

export type { DiscPositionPrior } from './LandmarkPriors.js';

/**
 * The prior's cost of a disc centre at (x, y), offsets from the FOV centre in FOV radii: ½ z_x² + ½ z_y² of `prior`
 * (where a macula-centred photograph puts the disc; the shipped one is fitted on IDRiD's expert disc centres,
 * `models/landmarks/priors.json`), capped at 8 (a disc anywhere else costs the same, however far).
 */
export function discPositionCost(offsetX: number, offsetY: number, prior: DiscPositionPrior): number {
  const zx = (Math.abs(offsetX) - prior.radialOffset) / prior.radialOffsetSd;
  const zy = (offsetY - prior.verticalOffset) / prior.verticalOffsetSd;
  return Math.min(8, 0.5 * zx * zx + 0.5 * zy * zy);
}
