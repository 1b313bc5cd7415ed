import { describe, expect, it } from 'vitest';
import { confusionMatrix } from '../../../shared/evaluation/confusionMatrix.js';
import { quadraticKappa } from '../../../shared/evaluation/quadraticKappa.js';

describe('quadraticKappa', () => {
  it('matches a hand computation: 1 − 0.5 / 1.375', () => {
    // Observed disagreement: two cases one class apart, w = 1/4 each → 0.5. Expected from marginals [1,1,2] × [1,1,2] / 4 → 1.375.
    expect(quadraticKappa(confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3))).toBeCloseTo(1 - 0.5 / 1.375, 12);
  });

  it('is 1 for perfect agreement and negative for systematic reversal', () => {
    expect(quadraticKappa(confusionMatrix([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]))).toBe(1);
    expect(quadraticKappa(confusionMatrix([0, 1, 3, 4], [4, 3, 1, 0]))).toBeLessThan(-0.5);
  });

  it('is NaN when undefined', () => {
    expect(quadraticKappa(confusionMatrix([], []))).toBeNaN();
    expect(quadraticKappa(confusionMatrix([2, 2], [2, 2]))).toBeNaN();
  });
});
