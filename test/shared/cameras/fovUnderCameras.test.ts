import { describe, expect, it } from 'vitest';
import { cameraTransforms } from '../../../shared/cameras/cameraTransforms.js';
import { findFieldOfView } from '../../../shared/fov/findFieldOfView.js';

/** A 300 × 240 photograph: a retina-coloured disc of radius 100 at (160, 118) with a soft vignette, black around. */
function subject() {
  const w = 300, h = 240, data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const r = Math.hypot(x + 0.5 - 160, y + 0.5 - 118);
    if (r > 100) continue;
    const v = 1 - 0.4 * (r / 100) ** 2;
    data.set([Math.round(150 * v), Math.round(80 * v), Math.round(20 * v)], (y * w + x) * 3);
  }
  return { image: { width: w, height: h, data }, fov: { cx: 160, cy: 118, radius: 100 }, disc: { x: 220, y: 116 }, fovea: { x: 145, y: 121 } };
}

describe('findFieldOfView under other cameras', () => {
  it.each(cameraTransforms.map((t) => [t.name, t] as const))('%s: the fitted circle is the one the camera made', (_name, t) => {
    const view = t.apply(subject());
    const fit = findFieldOfView(view.image)!;
    const tolerance = Math.max(1, 0.01 * view.fov.radius);
    expect(Math.abs(fit.cx - view.fov.cx)).toBeLessThan(tolerance);
    expect(Math.abs(fit.cy - view.fov.cy)).toBeLessThan(tolerance);
    expect(Math.abs(fit.radius - view.fov.radius)).toBeLessThan(tolerance);
  });
});
