import { describe, expect, it } from 'vitest';
import { discPositionCost, macularFieldDiscPosition } from '../../../shared/landmarks/discPositionPrior.js';

describe('discPositionCost', () => {
  it('is 0 where IDRiD puts the disc, on either side', () => {
    expect(discPositionCost(0.6, -0.02)).toBeCloseTo(0, 12);
    expect(discPositionCost(-0.6, -0.02)).toBeCloseTo(0, 12);
  });
  it('is ½ z² one standard deviation away', () => {
    expect(discPositionCost(0.6 + macularFieldDiscPosition.radialOffsetSd, -0.02)).toBeCloseTo(0.5, 12);
    expect(discPositionCost(0.6, -0.02 + macularFieldDiscPosition.verticalOffsetSd)).toBeCloseTo(0.5, 12);
  });
  it('is capped at 8 for a disc at the FOV centre', () => {
    expect(discPositionCost(0, 0)).toBe(8);
  });
});
