import { describe, expect, it } from 'vitest';
import { searchFoveaOnSide, type FoveaPrior } from '../../../shared/landmarks/searchFovea.js';

const flatPrior: FoveaPrior = { distance: 2.5, distanceSd: 1, slope: 0, slopeSd: 1, weight: 0 };

describe('searchFoveaOnSide', () => {
  const w = 40, h = 20;
  const geometry = { width: w, height: h, mask: new Uint8Array(w * h).fill(1), discDiameterPx: 4, fovDiameterPx: 1e9 };
  it('finds the darkest pixel 1.7–3.4 disc diameters away on the side asked for', () => {
    const evidence = new Float64Array(w * h);
    evidence[10 * w + 10] = -5; // 10 px = 2.5 DD left of the disc at (20, 10)
    evidence[10 * w + 30] = -9; // right of the disc
    evidence[10 * w + 19] = -20; // too close
    const left = searchFoveaOnSide(evidence, geometry, 20, 10, -1, flatPrior)!;
    const right = searchFoveaOnSide(evidence, geometry, 20, 10, 1, flatPrior)!;
    expect([left.x, left.y, right.x, right.y]).toEqual([10, 10, 30, 10]);
    // The centre term of an immense FOV is below 1e-15.
    expect(left.score).toBeCloseTo(-5, 12);
    expect(right.score).toBeCloseTo(-9, 12);
  });
  it('adds the anatomical prior: ½ z² of distance and slope', () => {
    const evidence = new Float64Array(w * h);
    // Flat evidence: the prior alone picks the point 2.5 DD away at the disc's height.
    const hit = searchFoveaOnSide(evidence, geometry, 20, 10, -1, { ...flatPrior, weight: 1 })!;
    expect([hit.x, hit.y]).toEqual([10, 10]);
    expect(hit.score).toBeCloseTo(0, 12);
  });
  it('returns null when no pixel qualifies', () => {
    const evidence = new Float64Array(w * h);
    expect(searchFoveaOnSide(evidence, { ...geometry, mask: new Uint8Array(w * h) }, 20, 10, 1, flatPrior)).toBeNull();
  });
});
