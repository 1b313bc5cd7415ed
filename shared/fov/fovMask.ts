import type { MaskImage, RgbImage } from '../image/RgbImage.js';

/**
 * The field-of-view mask of a normalised image: inside the circle (cx, cy, radius) shrunk by `erodePx`, and not black
 * (pixels outside the source frame of a cut circle are black after normalisation).
 */
export function fovMask(image: RgbImage, circle: { cx: number; cy: number; radius: number }, options: { erodePx?: number; blackLevel?: number } = {}): MaskImage {
  const { width: w, height: h, data } = image;
  const r = Math.max(0, circle.radius - (options.erodePx ?? 0));
  const r2 = r * r;
  const black = options.blackLevel ?? 8;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const dy = y + 0.5 - circle.cy;
    for (let x = 0; x < w; x++) {
      const dx = x + 0.5 - circle.cx;
      if (dx * dx + dy * dy > r2) continue;
      const j = (y * w + x) * 3;
      if (data[j]! > black || data[j + 1]! > black || data[j + 2]! > black) out[y * w + x] = 1;
    }
  }
  return { width: w, height: h, data: out };
}

/** Shrinks a mask by `radius` pixels (square structuring element, two separable passes of running minima). */
export function erodeMask(mask: MaskImage, radius: number): MaskImage {
  const { width: w, height: h, data } = mask;
  if (radius <= 0) return { width: w, height: h, data: new Uint8Array(data) };
  const tmp = new Uint8Array(w * h);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let lastZero = -Infinity;
    // distance to nearest zero on the left and on the right
    const left = new Float64Array(w);
    for (let x = 0; x < w; x++) { if (!data[row + x]) lastZero = x; left[x] = x - lastZero; }
    let nextZero = Infinity;
    for (let x = w - 1; x >= 0; x--) { if (!data[row + x]) nextZero = x; tmp[row + x] = left[x]! > radius && nextZero - x > radius ? 1 : 0; }
  }
  for (let x = 0; x < w; x++) {
    let lastZero = -Infinity;
    const up = new Float64Array(h);
    for (let y = 0; y < h; y++) { if (!tmp[y * w + x]) lastZero = y; up[y] = y - lastZero; }
    let nextZero = Infinity;
    for (let y = h - 1; y >= 0; y--) { if (!tmp[y * w + x]) nextZero = y; out[y * w + x] = up[y]! > radius && nextZero - y > radius ? 1 : 0; }
  }
  return { width: w, height: h, data: out };
}
