import { describe, expect, it } from 'vitest';
import { rocCurve } from '../../../shared/evaluation/rocCurve.js';

describe('rocCurve', () => {
  it('has one point per distinct score, ties moving diagonally', () => {
    expect(rocCurve([0.5, 0.5, 0.2, 0.8], [true, false, false, true])).toEqual([
      { threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 },
      { threshold: 0.8, fpr: 0, tpr: 0.5 },
      { threshold: 0.5, fpr: 0.5, tpr: 1 },
      { threshold: 0.2, fpr: 1, tpr: 1 },
    ]);
  });

  it('is empty without both classes', () => {
    expect(rocCurve([0.1, 0.2], [false, false])).toEqual([]);
  });
});
