import type { MaskImage, RgbImage } from '../image/RgbImage.js';

/**
 * Refines a disc centre at full resolution with a circular matched filter: mean red + green inside 0.8 disc radii
 * minus the mean of the ring out to 1.4 radii (square boxes on integral images at a step of radius / 24), searched
 * within one disc radius of (x0, y0). A difference of means, so independent of the camera's gain.
 */
export function refineDiscCentre(image: RgbImage, mask: MaskImage, x0: number, y0: number, radius: number): { x: number; y: number } {
  const step = Math.max(1, Math.floor(radius / 24));
  const W = image.width;
  const half = Math.ceil(2.2 * radius);
  const left = Math.max(0, Math.floor(x0 - half)), top = Math.max(0, Math.floor(y0 - half));
  const right = Math.min(W, Math.ceil(x0 + half)), bottom = Math.min(image.height, Math.ceil(y0 + half));
  const w = Math.floor((right - left) / step), h = Math.floor((bottom - top) / step);
  if (w < 8 || h < 8) return { x: x0, y: y0 };
  const integral = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      const i = (top + y * step) * W + left + x * step;
      row += mask.data[i] ? image.data[i * 3]! + image.data[i * 3 + 1]! : 0;
      integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1]! + row;
    }
  }
  const box = (x0b: number, y0b: number, x1b: number, y1b: number) => {
    const a = Math.max(0, x0b), b = Math.max(0, y0b), c = Math.min(w, x1b), d = Math.min(h, y1b);
    if (c <= a || d <= b) return { sum: 0, area: 0 };
    return { sum: integral[d * (w + 1) + c]! - integral[b * (w + 1) + c]! - integral[d * (w + 1) + a]! + integral[b * (w + 1) + a]!, area: (c - a) * (d - b) };
  };
  const rIn = Math.round((0.8 * radius) / step), rOut = Math.round((1.4 * radius) / step);
  const search = Math.round(radius / step);
  const cx0 = Math.round((x0 - left) / step), cy0 = Math.round((y0 - top) / step);
  let best = -Infinity, bx = cx0, by = cy0;
  for (let cy = cy0 - search; cy <= cy0 + search; cy++) for (let cx = cx0 - search; cx <= cx0 + search; cx++) {
    const inner = box(cx - rIn, cy - rIn, cx + rIn + 1, cy + rIn + 1);
    const outer = box(cx - rOut, cy - rOut, cx + rOut + 1, cy + rOut + 1);
    if (inner.area === 0 || outer.area <= inner.area) continue;
    const s = inner.sum / inner.area - (outer.sum - inner.sum) / (outer.area - inner.area);
    if (s > best) { best = s; bx = cx; by = cy; }
  }
  return { x: left + (bx + 0.5) * step, y: top + (by + 0.5) * step };
}
