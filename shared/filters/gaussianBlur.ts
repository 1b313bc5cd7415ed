import type { FloatImage } from '../image/RgbImage.js';

/**
 * Separable Gaussian blur with edge clamping. Kernel radius = ceil(3σ).
 * Writes into `out` when given (may not alias the input).
 */
export function gaussianBlur(image: FloatImage, sigma: number, out?: FloatImage): FloatImage {
  const { width: w, height: h } = image;
  const dst = out ?? { width: w, height: h, data: new Float32Array(w * h) };
  if (sigma <= 0) { dst.data.set(image.data); return dst; }
  const kernel = gaussianKernel(sigma);
  const tmp = new Float32Array(w * h);
  convolveRows(image.data, tmp, w, h, kernel);
  convolveCols(tmp, dst.data, w, h, kernel);
  return dst;
}

/** Normalised 1-D Gaussian kernel of radius ceil(3σ). */
export function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) { const v = Math.exp(-(i * i) / (2 * sigma * sigma)); k[i + r] = v; sum += v; }
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

/** Horizontal convolution with clamped edges. */
export function convolveRows(src: Float32Array, dst: Float32Array, w: number, h: number, k: Float32Array): void {
  const r = (k.length - 1) >> 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      if (x >= r && x < w - r) {
        const base = row + x - r;
        for (let i = 0; i < k.length; i++) acc += k[i]! * src[base + i]!;
      } else {
        for (let i = -r; i <= r; i++) {
          const xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
          acc += k[i + r]! * src[row + xx]!;
        }
      }
      dst[row + x] = acc;
    }
  }
}

/** Vertical convolution with clamped edges (row-wise accumulation for cache friendliness). */
export function convolveCols(src: Float32Array, dst: Float32Array, w: number, h: number, k: Float32Array): void {
  const r = (k.length - 1) >> 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    dst.fill(0, row, row + w);
    for (let i = -r; i <= r; i++) {
      const yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
      const kv = k[i + r]!;
      const srow = yy * w;
      for (let x = 0; x < w; x++) dst[row + x]! += kv * src[srow + x]!;
    }
  }
}
