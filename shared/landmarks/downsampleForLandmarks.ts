import type { FloatImage, MaskImage, RgbImage } from '../image/RgbImage.js';
import { landmarkDownsampleWasm } from '../native/kernels.js';

/** The coarse grid the landmark search works on: block means of luminance and red, and a majority-vote mask. */
export interface LandmarkGrid {
  /** 0.25 R + 0.65 G + 0.1 B: green carries the disc/fovea contrast; blue is noisy and red saturates. */
  readonly lum: FloatImage;
  readonly red: FloatImage;
  /** 1 where more than half of the block lies inside the FOV mask. */
  readonly mask: Uint8Array;
}

/** Block means over `factor × factor` pixels (WebAssembly; bit-identical to {@link downsampleJs}). */
export function downsampleForLandmarks(image: RgbImage, mask: MaskImage, factor: number): LandmarkGrid {
  const w = Math.floor(image.width / factor), h = Math.floor(image.height / factor);
  if (w * h > 0 && image.data.length === image.width * image.height * 3 && mask.data.length === image.width * image.height) {
    const out = landmarkDownsampleWasm(image.data, mask.data, image.width, image.height, factor);
    return { lum: { width: w, height: h, data: out.lum }, red: { width: w, height: h, data: out.red }, mask: out.mask };
  }
  return downsampleJs(image, mask, factor);
}

/** The TypeScript reference of the landmark downsampling. */
export function downsampleJs(image: RgbImage, mask: MaskImage, f: number): LandmarkGrid {
  const w = Math.floor(image.width / f), h = Math.floor(image.height / f);
  const lum = new Float32Array(w * h), red = new Float32Array(w * h), m = new Uint8Array(w * h);
  const W = image.width, d = image.data, md = mask.data;
  // Row by row into per-column sums; each block is still summed row-major, as a block-by-block loop would.
  const lumSums = new Float64Array(w), redSums = new Float64Array(w), maskSums = new Float64Array(w);
  const k = f * f;
  for (let y = 0; y < h; y++) {
    lumSums.fill(0); redSums.fill(0); maskSums.fill(0);
    for (let yy = 0; yy < f; yy++) {
      const row = (y * f + yy) * W;
      for (let x = 0; x < w; x++) {
        let l = lumSums[x]!, r = redSums[x]!, s = maskSums[x]!;
        for (let xx = 0, i = row + x * f; xx < f; xx++, i++) {
          l += 0.25 * d[i * 3]! + 0.65 * d[i * 3 + 1]! + 0.1 * d[i * 3 + 2]!;
          r += d[i * 3]!;
          s += md[i]!;
        }
        lumSums[x] = l; redSums[x] = r; maskSums[x] = s;
      }
    }
    for (let x = 0; x < w; x++) {
      lum[y * w + x] = lumSums[x]! / k;
      red[y * w + x] = redSums[x]! / k;
      m[y * w + x] = maskSums[x]! * 2 > k ? 1 : 0;
    }
  }
  return { lum: { width: w, height: h, data: lum }, red: { width: w, height: h, data: red }, mask: m };
}
