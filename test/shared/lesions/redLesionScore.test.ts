import { describe, expect, it } from 'vitest';
import { redLesionScore, type RedCandidateFeatures } from '../../../shared/lesions/detectLesions.js';

const blob: RedCandidateFeatures = { symmetry: 1, contrast: 0.1, lineness: 0.1, radius: 3, coarse: false, value: 8 };

describe('redLesionScore', () => {
  it('is a probability-like score that rises with radial symmetry and falls along a vessel', () => {
    const s = redLesionScore(blob);
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(1);
    expect(redLesionScore({ ...blob, value: 16 })).toBeGreaterThan(s);
    expect(redLesionScore({ ...blob, lineness: 0.9 })).toBeLessThan(s);
  });

  it('is 0.5 where its logit equals the two-candidates-per-healthy-photograph level', () => {
    // Solve for the value that puts this blob's logit at the calibration point: the score there is exactly 0.5.
    let lo = 0, hi = 1e6;
    for (let i = 0; i < 200; i++) { const mid = (lo + hi) / 2; if (redLesionScore({ ...blob, value: mid }) < 0.5) lo = mid; else hi = mid; }
    expect(redLesionScore({ ...blob, value: (lo + hi) / 2 })).toBeCloseTo(0.5, 6);
  });
});
