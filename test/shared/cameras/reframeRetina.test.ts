import { describe, expect, it } from 'vitest';
import { reframeRetina } from '../../../shared/cameras/reframeRetina.js';

/** 8 × 8 image whose red channel is 10·x + y and green 100. */
function ramp() {
  const data = new Uint8Array(8 * 8 * 3);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) data.set([10 * x + y, 100, 0], (y * 8 + x) * 3);
  return { width: 8, height: 8, data };
}

describe('reframeRetina', () => {
  it('copies the field unchanged when field and target are the same circle, black outside it', () => {
    const out = reframeRetina(ramp(), { field: { cx: 4, cy: 4, radius: 3 }, target: { cx: 4, cy: 4, radius: 3 }, outWidth: 8, outHeight: 8 });
    expect(out.scale).toBe(1);
    expect(Array.from(out.image.data.subarray((4 * 8 + 4) * 3, (4 * 8 + 4) * 3 + 3))).toEqual([44, 100, 0]);
    expect(Array.from(out.image.data.subarray(0, 3))).toEqual([0, 0, 0]);
  });
  it('magnifies a smaller field onto the target and maps points the same way', () => {
    const out = reframeRetina(ramp(), { field: { cx: 4, cy: 4, radius: 2 }, target: { cx: 8, cy: 8, radius: 4 }, outWidth: 16, outHeight: 16 });
    expect(out.scale).toBe(2);
    expect(out.mapPoint({ x: 5, y: 3 })).toEqual({ x: 10, y: 6 });
    // Output pixel (8, 8) has its centre at 8.5 = target centre + 0.5, i.e. source 4.25, sampled between pixels 3 and 4.
    const i = (8 * 16 + 8) * 3;
    expect(Array.from(out.image.data.subarray(i, i + 3))).toEqual([Math.round(3.75 * 10 + 3.75), 100, 0]);
  });
  it('refuses a non-positive radius', () => {
    expect(() => reframeRetina(ramp(), { field: { cx: 4, cy: 4, radius: 0 }, target: { cx: 4, cy: 4, radius: 3 }, outWidth: 8, outHeight: 8 })).toThrow(/radii/);
  });
});
