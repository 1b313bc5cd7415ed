import { describe, expect, it } from 'vitest';
import { countProxy, spearman } from '../../../shared/lesionEval/countProxy.js';

describe('countProxy', () => {
  it('sets thresholds from healthy photographs and estimates sensitivity from the excess on lesioned ones', () => {
    // 8 healthy photographs, scores 0.1..0.8 on each: 64 negatives.
    const healthy = Array.from({ length: 8 }, () => [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    // Two lesioned photographs with 10 lesions each; each has 5 candidates at 0.95 (above every healthy score).
    const lesioned = [
      { scores: [0.95, 0.95, 0.95, 0.95, 0.95, 0.1], truth: 10 },
      { scores: [0.95, 0.95, 0.95, 0.95, 0.95, 0.75], truth: 10 },
    ];
    const r = countProxy({ healthy, lesioned });
    expect(r.groundTruth).toBe(20);
    // Rate 1/8: k = 1, the 2nd-highest negative (0.8): 10 candidates above it, minus 0.25 expected false positives.
    expect(r.thresholdAt['0.125']).toBe(0.8);
    expect(r.estimatedSensitivityAt['0.125']).toBeCloseTo((10 - 0.125 * 2) / 20, 10);
    // Rate 1: k = 8, the 9th-highest negative (0.7): 11 above it, minus 2.
    expect(r.thresholdAt['1']).toBe(0.7);
    expect(r.estimatedSensitivityAt['1']).toBeCloseTo((11 - 2) / 20, 10);
    // Rate 8: k = 64 is past every negative: everything counts (12), minus 16 expected false positives -> 0.
    expect(r.thresholdAt['8']).toBe(-Infinity);
    expect(r.estimatedSensitivityAt['8']).toBe(0);
    expect(r.meanCountAt8).toBe(6);
  });

  it('gives 0 when lesioned photographs look like healthy ones', () => {
    const same = [0.2, 0.5, 0.9];
    const r = countProxy({ healthy: [same, same, same, same], lesioned: [{ scores: same, truth: 5 }, { scores: same, truth: 3 }] });
    expect(r.estimatedFroc).toBe(0);
  });
});

describe('spearman', () => {
  it('is 1 for a monotone relation, -1 for a reversed one, handles ties, NaN when constant', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 45])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9486832980505138, 12);
    expect(Number.isNaN(spearman([1, 1, 1], [1, 2, 3]))).toBe(true);
  });
});
