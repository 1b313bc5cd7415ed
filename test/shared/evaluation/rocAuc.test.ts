import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../../shared/evaluation/rocAuc.js';
import { rocCurve } from '../../../shared/evaluation/rocCurve.js';

describe('rocAuc', () => {
  it('counts a tied positive/negative pair as one half (hand-computed 3.5 / 4)', () => {
    // Pairs (pos, neg): (0.5, 0.5) tie = 0.5; (0.5, 0.2) = 1; (0.8, 0.5) = 1; (0.8, 0.2) = 1.
    expect(rocAuc([0.5, 0.5, 0.2, 0.8], [true, false, false, true])).toBe(0.875);
  });

  it('matches the textbook example without ties and handles the extremes', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
    expect(rocAuc([0.9, 0.8, 0.1], [true, true, false])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.9], [true, true, false])).toBe(0);
    expect(rocAuc([0.3, 0.3, 0.3, 0.3], [true, false, true, false])).toBe(0.5);
  });

  it('is NaN with a single class', () => {
    expect(rocAuc([0.1, 0.2], [true, true])).toBeNaN();
    expect(rocAuc([], [])).toBeNaN();
  });

  it('equals the trapezoidal area under rocCurve', () => {
    const scores = [0.1, 0.2, 0.2, 0.3, 0.5, 0.5, 0.5, 0.9, 0.7, 0.05];
    const labels = [false, true, false, false, true, false, true, true, false, true];
    const points = rocCurve(scores, labels);
    let area = 0;
    for (let i = 1; i < points.length; i++) area += ((points[i]!.fpr - points[i - 1]!.fpr) * (points[i]!.tpr + points[i - 1]!.tpr)) / 2;
    expect(rocAuc(scores, labels)).toBeCloseTo(area, 12);
  });
});
