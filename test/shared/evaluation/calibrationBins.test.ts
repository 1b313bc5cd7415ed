import { describe, expect, it } from 'vitest';
import { calibrationBins } from '../../../shared/evaluation/calibrationBins.js';

describe('calibrationBins', () => {
  it('bins probabilities and computes the expected calibration error by hand', () => {
    const { bins, expectedCalibrationError } = calibrationBins([0.05, 0.15, 0.12, 1], [false, true, false, true]);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toMatchObject({ lo: 0, hi: 0.1, count: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(bins[1]!.count).toBe(2);
    expect(bins[1]!.meanPredicted).toBeCloseTo(0.135, 12);
    expect(bins[1]!.observedRate).toBe(0.5);
    expect(bins[9]).toMatchObject({ count: 1, meanPredicted: 1, observedRate: 1 });
    expect(bins[5]!.count).toBe(0);
    expect(bins[5]!.meanPredicted).toBeNaN();
    // ECE = 1/4 × 0.05 + 2/4 × |0.5 − 0.135| + 1/4 × 0.
    expect(expectedCalibrationError).toBeCloseTo(0.0125 + 0.1825, 12);
  });

  it('refuses probabilities outside [0, 1]', () => {
    expect(() => calibrationBins([1.2], [true])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
