import { describe, expect, it } from 'vitest';
import { bootstrapCi } from '../../../shared/evaluation/bootstrapCi.js';
import { rocAuc } from '../../../shared/evaluation/rocAuc.js';
import { isDrgradeError } from '../../../shared/errors.js';

const scores = [0.1, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.62, 0.7, 0.8, 0.85, 0.9, 0.95, 0.2, 0.65];
const labels = [false, false, true, false, false, true, false, true, true, false, true, true, true, true, false, true];
const aucOf = (indices: Uint32Array) => rocAuc(Array.from(indices, (i) => scores[i]!), Array.from(indices, (i) => labels[i]!));

describe('bootstrapCi', () => {
  it('contains the point estimate of the AUC and lies within [0, 1]', () => {
    const point = rocAuc(scores, labels);
    const [lo, hi] = bootstrapCi(scores.length, aucOf, { resamples: 1000, seed: 3 });
    expect(lo).toBeLessThan(point);
    expect(hi).toBeGreaterThan(point);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi - lo).toBeGreaterThan(0.05);
  });

  it('is reproducible from its seed and changes with it', () => {
    const a = bootstrapCi(scores.length, aucOf, { resamples: 200, seed: 5 });
    expect(bootstrapCi(scores.length, aucOf, { resamples: 200, seed: 5 })).toEqual(a);
    expect(bootstrapCi(scores.length, aucOf, { resamples: 200, seed: 6 })).not.toEqual(a);
  });

  it('collapses to the value of a constant statistic, and narrows with the confidence level', () => {
    expect(bootstrapCi(10, () => 0.25, { resamples: 50 })).toEqual([0.25, 0.25]);
    const mean = (indices: Uint32Array) => Array.from(indices, (i) => scores[i]!).reduce((a, b) => a + b, 0) / indices.length;
    const wide = bootstrapCi(scores.length, mean, { resamples: 500, confidence: 0.95 });
    const narrow = bootstrapCi(scores.length, mean, { resamples: 500, confidence: 0.5 });
    expect(narrow[0]).toBeGreaterThan(wide[0]);
    expect(narrow[1]).toBeLessThan(wide[1]);
  });

  it('skips non-finite resamples and returns NaN when none is finite', () => {
    expect(bootstrapCi(4, () => Number.NaN, { resamples: 20 })).toEqual([Number.NaN, Number.NaN]);
    expect(bootstrapCi(0, () => 1)).toEqual([Number.NaN, Number.NaN]);
  });

  it('refuses bad options', () => {
    expect(() => bootstrapCi(3, () => 1, { confidence: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    let caught: unknown;
    try {
      bootstrapCi(3, () => 1, { resamples: 0 });
    } catch (error) {
      caught = error;
    }
    expect(isDrgradeError(caught, 'INVALID_ARGUMENT')).toBe(true);
  });
});
