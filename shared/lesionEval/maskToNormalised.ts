import type { MaskImage } from '../image/RgbImage.js';

/** What {@link maskToNormalised} needs of the normalisation: source = normalised · scale + offset. */
export interface NormalisedGeometry {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly normalisedWidth: number;
  readonly normalisedHeight: number;
}

/**
 * Resamples a source-size binary mask (non-zero = on) into the normalised image's geometry as coverage: each
 * normalised pixel gets round(255 × the fraction of its source footprint that is on), from a summed-area table, so
 * a microaneurysm a few source pixels wide survives as partial coverage instead of vanishing in a point sample.
 */
export function maskToNormalised(mask: MaskImage, geometry: NormalisedGeometry): Uint8Array {
  const { width: w, height: h, data } = mask;
  const sat = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += data[y * w + x] ? 1 : 0;
      sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1]! + row;
    }
  }
  const { scale, offsetX, offsetY, normalisedWidth: nw, normalisedHeight: nh } = geometry;
  const out = new Uint8Array(nw * nh);
  const clampX = (v: number) => Math.max(0, Math.min(w, Math.round(v)));
  const clampY = (v: number) => Math.max(0, Math.min(h, Math.round(v)));
  for (let y = 0; y < nh; y++) {
    const y0 = clampY(y * scale + offsetY), y1 = clampY((y + 1) * scale + offsetY);
    if (y1 <= y0) continue;
    for (let x = 0; x < nw; x++) {
      const x0 = clampX(x * scale + offsetX), x1 = clampX((x + 1) * scale + offsetX);
      if (x1 <= x0) continue;
      const on = sat[y1 * (w + 1) + x1]! - sat[y0 * (w + 1) + x1]! - sat[y1 * (w + 1) + x0]! + sat[y0 * (w + 1) + x0]!;
      out[y * nw + x] = Math.round((255 * on) / ((x1 - x0) * (y1 - y0)));
    }
  }
  return out;
}
