import type { FloatImage, MaskImage } from '../image/RgbImage.js';
import { tsallisThreshold } from './tsallisThreshold.js';

/**
 * Lesion probability map from a symmetry image: a 256-bin histogram of the map inside the mask (range 0 to its
 * 99.9th percentile) is thresholded with the Tsallis entropy; the threshold maps to probability 0.5, zero to 0 and
 * the 99.9th percentile (or above) to 1, linearly on each side.
 */
export function symmetryProbability(map: FloatImage, mask: MaskImage, options: { q?: number; bins?: number } = {}): { probability: Float32Array; threshold: number } {
  const bins = options.bins ?? 256;
  const values: number[] = [];
  const n = map.data.length;
  const stride = Math.max(1, Math.floor(n / 200_000));
  for (let i = 0; i < n; i += stride) if (mask.data[i]) values.push(map.data[i]!);
  values.sort((a, b) => a - b);
  const top = values.length ? Math.max(1e-9, values[Math.floor(values.length * 0.999)]!) : 1;
  const hist = new Float64Array(bins);
  for (const v of values) hist[Math.min(bins - 1, Math.max(0, Math.floor((v / top) * bins)))]!++;
  const t = tsallisThreshold(hist, { q: options.q ?? 0.8 });
  const threshold = ((t + 1) / bins) * top;
  const probability = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    const v = map.data[i]!;
    probability[i] = v <= threshold ? (0.5 * Math.max(0, v)) / threshold : Math.min(1, 0.5 + (0.5 * (v - threshold)) / Math.max(1e-9, top - threshold));
  }
  return { probability, threshold };
}
