import { describe, expect, it } from 'vitest';
import { findFieldOfView } from '../../../shared/fov/findFieldOfView.js';
import type { RgbImage } from '../../../shared/image/RgbImage.js';

function disc(w: number, h: number, cx: number, cy: number, r: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) data.set([180, 90, 40], (y * w + x) * 3);
  }
  return { width: w, height: h, data };
}

describe('findFieldOfView', () => {
  it('fits a whole circle', () => {
    const fit = findFieldOfView(disc(300, 240, 160, 118, 100))!;
    expect(fit.cx).toBeCloseTo(160, 0);
    expect(fit.cy).toBeCloseTo(118, 0);
    expect(fit.radius).toBeCloseTo(100, 0);
    expect(fit.visibleFraction).toBeGreaterThan(0.99);
  });
  it('fits a circle cut at the top and bottom (IDRiD-like framing)', () => {
    const fit = findFieldOfView(disc(429, 285, 200, 142, 171))!;
    expect(Math.abs(fit.cx - 200)).toBeLessThan(0.75);
    expect(Math.abs(fit.cy - 142)).toBeLessThan(0.75);
    expect(Math.abs(fit.radius - 171)).toBeLessThan(1.5);
    expect(fit.visibleFraction).toBeLessThan(0.95);
  });
  it('finds nothing in a frame filled edge to edge', () => {
    const data = new Uint8Array(100 * 80 * 3).fill(120);
    expect(findFieldOfView({ width: 100, height: 80, data })).toBeNull();
  });
});
