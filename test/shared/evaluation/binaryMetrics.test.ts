import { describe, expect, it } from 'vitest';
import { binaryMetrics } from '../../../shared/evaluation/binaryMetrics.js';

describe('binaryMetrics', () => {
  const scores = [0.2, 0.5, 0.7, 0.4];
  const labels = [false, true, true, false];

  it('calls positive at score >= threshold', () => {
    expect(binaryMetrics(scores, labels, 0.5)).toMatchObject({ tp: 2, fp: 0, tn: 2, fn: 0, accuracy: 1, sensitivity: 1, specificity: 1 });
    expect(binaryMetrics(scores, labels, 0.3)).toMatchObject({ tp: 2, fp: 1, tn: 1, fn: 0, accuracy: 0.75, sensitivity: 1, specificity: 0.5, precision: 2 / 3 });
    expect(binaryMetrics(scores, labels, 0.6)).toMatchObject({ tp: 1, fn: 1, sensitivity: 0.5, specificity: 1 });
  });

  it('gives NaN rates for empty denominators', () => {
    const m = binaryMetrics([0.9], [true], 0.5);
    expect(m.sensitivity).toBe(1);
    expect(m.specificity).toBeNaN();
  });
});
