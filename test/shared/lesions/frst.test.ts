import { describe, expect, it } from 'vitest';
import { frst } from '../../../shared/lesions/frst.js';
import type { FloatImage } from '../../../shared/image/RgbImage.js';

/** A 41 × 41 grey image (100) with a dark disc (40) at (12, 20) and a bright disc (180) at (29, 20), radius 4. */
function twoDiscs(): FloatImage {
  const w = 41, h = 41;
  const data = new Float32Array(w * h).fill(100);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if ((x - 12) ** 2 + (y - 20) ** 2 <= 16) data[y * w + x] = 40;
    if ((x - 29) ** 2 + (y - 20) ** 2 <= 16) data[y * w + x] = 180;
  }
  return { width: w, height: h, data };
}

function argmax(img: FloatImage): [number, number] {
  let best = -Infinity, bi = 0;
  img.data.forEach((v, i) => { if (v > best) { best = v; bi = i; } });
  return [bi % img.width, Math.floor(bi / img.width)];
}

describe('frst (Loy & Zelinsky 2003)', () => {
  for (const implementation of ['js', 'wasm'] as const) {
    it(`${implementation}: the dark map peaks at the dark disc's centre, the bright map at the bright one's`, () => {
      const { dark, bright } = frst(twoDiscs(), { radii: [2, 3, 4, 5], alpha: 2, beta: 0, ...({ implementation } as object) });
      expect(argmax(dark!)).toEqual([12, 20]);
      expect(argmax(bright!)).toEqual([29, 20]);
      // Each polarity ignores the other kind of disc.
      expect(dark!.data[20 * 41 + 29]!).toBeLessThan(dark!.data[20 * 41 + 12]! * 0.05);
      expect(bright!.data[20 * 41 + 12]!).toBeLessThan(bright!.data[20 * 41 + 29]! * 0.05);
    });
  }

  it('gives zero response on a flat image and respects the polarity option', () => {
    const flat: FloatImage = { width: 9, height: 7, data: new Float32Array(63).fill(50) };
    const r = frst(flat, { polarity: 'dark' });
    expect(r.bright).toBeNull();
    expect(Math.max(...r.dark!.data)).toBe(0);
  });

  it('follows F_n = (M_n / k_n)(|O_n| / k_n)^α for a single vote (no smoothing beyond A_1)', () => {
    // A 1-pixel step: only the few pixels with a gradient vote; the total mass of the bright map is predictable:
    // with radius 1, k_1 = 8, every target gets one vote, so each contributes |g| / 8 · (1/8)^α before blurring,
    // and a normalised Gaussian preserves mass.
    const w = 12, h = 12;
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = x >= 6 ? 10 : 0;
    const img = { width: w, height: h, data };
    const { bright } = frst(img, { radii: [1], alpha: 1, polarity: 'bright', ...({ implementation: 'js' } as object) });
    // Sobel |g| = 40 at x = 5 and x = 6 (interior rows 1..10): 20 voting pixels, each target hit by exactly one vote.
    const mass = bright!.data.reduce((s, v) => s + v, 0);
    expect(mass).toBeCloseTo(20 * (40 / 8) * (1 / 8), 3);
  });
});
