import type { LesionCode } from './lesionClasses.js';
import type { LesionMaps } from './LesionModel.js';

/** Source = normalised · scale + offset (the analysis transform). */
export interface SourceGeometry {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

/**
 * One class's probability map resampled to the source photograph's pixels, 8-bit (value = probability × 255),
 * bilinear between map pixel centres; 0 outside the normalised image.
 */
export function lesionMapToSource(maps: LesionMaps, code: LesionCode, transform: SourceGeometry, width: number, height: number): Uint8Array {
  const map = maps.maps[code];
  const out = new Uint8Array(width * height);
  if (!map) return out;
  const { width: mw, height: mh, stride } = maps;
  // Map pixel (i, j) is centred on normalised ((i + 0.5) · stride − 0.5, …).
  const k = 1 / (transform.scale * stride);
  const bx = (0.5 - transform.offsetX / transform.scale) / stride - 0.5;
  const by = (0.5 - transform.offsetY / transform.scale) / stride - 0.5;
  for (let y = 0; y < height; y++) {
    const my = y * k + by;
    if (my < -0.5 || my > mh - 0.5) continue;
    const y0 = Math.max(0, Math.min(mh - 1, Math.floor(my))), y1 = Math.min(mh - 1, y0 + 1);
    const fy = Math.max(0, Math.min(1, my - y0));
    const r0 = y0 * mw, r1 = y1 * mw;
    for (let x = 0; x < width; x++) {
      const mx = x * k + bx;
      if (mx < -0.5 || mx > mw - 0.5) continue;
      const x0 = Math.max(0, Math.min(mw - 1, Math.floor(mx))), x1 = Math.min(mw - 1, x0 + 1);
      const fx = Math.max(0, Math.min(1, mx - x0));
      const top = map[r0 + x0]! + (map[r0 + x1]! - map[r0 + x0]!) * fx;
      const bottom = map[r1 + x0]! + (map[r1 + x1]! - map[r1 + x0]!) * fx;
      out[y * width + x] = Math.round(255 * (top + (bottom - top) * fy));
    }
  }
  return out;
}
