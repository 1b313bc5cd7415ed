import type { FloatImage, MaskImage } from '../image/RgbImage.js';

/** Block-average downsampling of an image and its mask (a block is inside only when fully inside). */
export function downsampleMasked(img: FloatImage, mask: MaskImage, f: number): { image: FloatImage; mask: MaskImage } {
  const w = Math.floor(img.width / f), h = Math.floor(img.height / f);
  const data = new Float32Array(w * h), m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0, inside = 1;
    for (let yy = 0; yy < f; yy++) for (let xx = 0; xx < f; xx++) {
      const i = (y * f + yy) * img.width + x * f + xx;
      s += img.data[i]!;
      if (!mask.data[i]) inside = 0;
    }
    data[y * w + x] = s / (f * f);
    m[y * w + x] = inside;
  }
  return { image: { width: w, height: h, data }, mask: { width: w, height: h, data: m } };
}
