import type { RgbImage } from '../image/RgbImage.js';

/** A circle in the pixels of one image. */
export interface Circle {
  readonly cx: number;
  readonly cy: number;
  readonly radius: number;
}

/** Options of {@link reframeRetina}. */
export interface ReframeRetinaOptions {
  /** The part of the source retina the new camera sees (a circle in source pixels). */
  readonly field: Circle;
  /** Where that circle lands in the new frame (output pixels). */
  readonly target: Circle;
  readonly outWidth: number;
  readonly outHeight: number;
}

/** A reframed photograph and the map from source to output pixels. */
export interface ReframedRetina {
  readonly image: RgbImage;
  /** Output pixels per source pixel. */
  readonly scale: number;
  /** Maps a point in source pixels to output pixels. */
  readonly mapPoint: (p: { x: number; y: number }) => { x: number; y: number };
}

/**
 * Re-photographs a retina with another camera's field and frame: the source circle `field` is scaled and moved onto
 * `target` in a black `outWidth × outHeight` frame (bilinear sampling); everything outside `field` or outside the
 * source frame is black, as it is outside a camera's field stop. A `field` smaller than the source FOV is a narrower
 * field angle; one away from the FOV centre is a differently aimed photograph.
 */
export function reframeRetina(source: RgbImage, options: ReframeRetinaOptions): ReframedRetina {
  const { field, target, outWidth, outHeight } = options;
  if (!(field.radius > 0) || !(target.radius > 0)) throw new RangeError(`Expected positive radii for field and target but received ${field.radius} and ${target.radius}`);
  const scale = target.radius / field.radius;
  const { width: sw, height: sh, data: src } = source;
  const out = new Uint8Array(outWidth * outHeight * 3);
  const r2 = target.radius * target.radius;
  for (let y = 0; y < outHeight; y++) {
    const dy = y + 0.5 - target.cy;
    for (let x = 0; x < outWidth; x++) {
      const dx = x + 0.5 - target.cx;
      if (dx * dx + dy * dy > r2) continue;
      // Pixel centres: output (x + ½, y + ½) comes from source (sx + ½, sy + ½).
      const sx = field.cx + dx / scale - 0.5, sy = field.cy + dy / scale - 0.5;
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= sw || y0 + 1 >= sh) continue;
      const fx = sx - x0, fy = sy - y0;
      const i00 = (y0 * sw + x0) * 3, i01 = i00 + 3, i10 = i00 + sw * 3, i11 = i10 + 3;
      const o = (y * outWidth + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = src[i00 + c]! + fx * (src[i01 + c]! - src[i00 + c]!);
        const bottom = src[i10 + c]! + fx * (src[i11 + c]! - src[i10 + c]!);
        out[o + c] = Math.round(top + fy * (bottom - top));
      }
    }
  }
  return {
    image: { width: outWidth, height: outHeight, data: out },
    scale,
    mapPoint: (p) => ({ x: target.cx + (p.x - field.cx) * scale, y: target.cy + (p.y - field.cy) * scale }),
  };
}
