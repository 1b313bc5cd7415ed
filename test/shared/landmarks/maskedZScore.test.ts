import { describe, expect, it } from 'vitest';
import { maskedZScore } from '../../../shared/landmarks/maskedZScore.js';

describe('maskedZScore', () => {
  it('standardises by the masked pixels only and transforms every pixel', () => {
    const z = maskedZScore(Float32Array.from([1, 3, 100]), Uint8Array.from([1, 1, 0]));
    expect(Array.from(z)).toEqual([-1, 1, 98]);
  });
  it('does not change under a gain and an offset (another camera’s exposure)', () => {
    const values = Float32Array.from([3, 5, 9, 4]), mask = Uint8Array.from([1, 1, 1, 1]);
    const a = maskedZScore(values, mask), b = maskedZScore(values.map((v) => 2 * v + 7), mask);
    for (let i = 0; i < 4; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
  });
});
