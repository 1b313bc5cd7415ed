import type { FloatImage, MaskImage } from '../image/RgbImage.js';
import { kthSmallest } from './kthSmallest.js';

/** Robust noise level: 1.4826 × median absolute 4-neighbour Laplacian / √20, sampled inside the mask. */
export function noiseSigma(img: FloatImage, mask: MaskImage): number {
  const { width: w, height: h, data } = img;
  // A typed array sorts numerically without a comparator, several times faster than number[] (same median).
  const all = new Float64Array(Math.max(0, Math.ceil((h - 4) / 3)) * Math.max(0, Math.ceil((w - 4) / 3)));
  let count = 0;
  for (let y = 2; y < h - 2; y += 3) for (let x = 2; x < w - 2; x += 3) {
    const i = y * w + x;
    if (!mask.data[i]) continue;
    all[count++] = Math.abs(4 * data[i]! - data[i - 1]! - data[i + 1]! - data[i - w]! - data[i + w]!);
  }
  if (count === 0) return 1;
  return (1.4826 * kthSmallest(all.subarray(0, count), count >> 1)) / Math.sqrt(20);
}
