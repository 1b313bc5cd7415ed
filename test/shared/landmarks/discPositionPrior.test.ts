import { describe, expect, it } from 'vitest';
import { discPositionCost } from '../../../shared/landmarks/discPositionPrior.js';

const prior = { radialOffset: 0.6, radialOffsetSd: 0.11, verticalOffset: -0.02, verticalOffsetSd: 0.105 };

describe('discPositionCost', () => {
  it('is 0 where the prior puts the disc, on either side', () => {
    expect(discPositionCost(0.6, -0.02, prior)).toBeCloseTo(0, 12);
    expect(discPositionCost(-0.6, -0.02, prior)).toBeCloseTo(0, 12);
  });
  it('is ½ z² one standard deviation away', () => {
    expect(discPositionCost(0.6 + prior.radialOffsetSd, -0.02, prior)).toBeCloseTo(0.5, 12);
    expect(discPositionCost(0.6, -0.02 + prior.verticalOffsetSd, prior)).toBeCloseTo(0.5, 12);
  });
  it('is capped at 8 for a disc at the FOV centre', () => {
    expect(discPositionCost(0, 0, prior)).toBe(8);
  });
});
