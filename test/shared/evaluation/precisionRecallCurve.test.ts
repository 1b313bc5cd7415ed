import { describe, expect, it } from 'vitest';
import { precisionRecallCurve } from '../../../shared/evaluation/precisionRecallCurve.js';

describe('precisionRecallCurve', () => {
  it('gives hand-computed points and average precision', () => {
    const { points, averagePrecision } = precisionRecallCurve([0.9, 0.8, 0.7, 0.6], [true, false, true, false]);
    expect(points).toEqual([
      { threshold: 0.9, recall: 0.5, precision: 1 },
      { threshold: 0.8, recall: 0.5, precision: 0.5 },
      { threshold: 0.7, recall: 1, precision: 2 / 3 },
      { threshold: 0.6, recall: 1, precision: 0.5 },
    ]);
    // AP = 0.5 × 1 + 0.5 × 2/3.
    expect(averagePrecision).toBeCloseTo(5 / 6, 12);
  });

  it('groups tied scores into one point', () => {
    const { points } = precisionRecallCurve([0.4, 0.4, 0.1], [true, false, true]);
    expect(points).toEqual([
      { threshold: 0.4, recall: 0.5, precision: 0.5 },
      { threshold: 0.1, recall: 1, precision: 2 / 3 },
    ]);
  });

  it('has no points and NaN AP without positives', () => {
    const { points, averagePrecision } = precisionRecallCurve([0.4], [false]);
    expect(points).toEqual([]);
    expect(averagePrecision).toBeNaN();
  });
});
