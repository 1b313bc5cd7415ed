import { describe, expect, it } from 'vitest';
import { tsallisThreshold } from '../../../shared/lesions/tsallisThreshold.js';

/** Direct transcription of Portes de Albuquerque et al. (2004), eqs. for S_q^A, S_q^B and their pseudo-sum. */
function bruteForce(h: number[], q: number): number {
  const total = h.reduce((a, b) => a + b, 0);
  const p = h.map((v) => v / total);
  let best = -Infinity, bestT = -1;
  for (let t = 0; t < h.length - 1; t++) {
    const pa = p.slice(0, t + 1).reduce((a, b) => a + b, 0), pb = 1 - pa;
    if (pa <= 0 || pb <= 0) continue;
    const sa = (1 - p.slice(0, t + 1).filter((v) => v > 0).reduce((s, v) => s + (v / pa) ** q, 0)) / (q - 1);
    const sb = (1 - p.slice(t + 1).filter((v) => v > 0).reduce((s, v) => s + (v / pb) ** q, 0)) / (q - 1);
    const v = sa + sb + (1 - q) * sa * sb;
    if (v > best) { best = v; bestT = t; }
  }
  return bestT;
}

describe('tsallisThreshold', () => {
  it('splits a symmetric bimodal histogram between its modes (first maximum)', () => {
    // [5, 5, 0, 0, 5, 5]: t = 1, 2, 3 give identical classes; the first maximum is returned.
    expect(tsallisThreshold([5, 5, 0, 0, 5, 5])).toBe(1);
  });
  it('puts a two-valued histogram in two classes', () => {
    expect(tsallisThreshold([3, 7])).toBe(0);
  });
  it('matches the paper formula on an irregular histogram for several q', () => {
    const h = [0, 12, 40, 95, 60, 22, 9, 3, 30, 41, 18, 4, 1, 0, 2];
    for (const q of [0.5, 0.8, 1.5, 3]) expect(tsallisThreshold(h, { q })).toBe(bruteForce(h, q));
  });
  it('returns -1 for an empty histogram', () => {
    expect(tsallisThreshold([0, 0, 0])).toBe(-1);
  });
});
