import type { FloatImage, MaskImage } from '../image/RgbImage.js';
import { tsallisThreshold } from './tsallisThreshold.js';

/**
 * Lesion probability map from a symmetry image: a 256-bin histogram of the map inside the mask (range 0 to its
 * 99.9th percentile) is thresholded with the Tsallis entropy; the threshold maps to probability 0.5, zero to 0 and
 * the 99.9th percentile (or above) to 1, linearly on each side.
 */
export function symmetryProbability(map: FloatImage, mask: MaskImage, options: { q?: number; bins?: number } = {}): { probability: Float32Array; threshold: number } {
  const bins = options.bins ?? 256;
  const n = map.data.length;
  const data = map.data;
  // The 99.9th percentile from a fine histogram (4096 bins over [0, max]) instead of a sort.
  let max = 0, count = 0;
  for (let i = 0; i < n; i++) if (mask.data[i]) { count++; if (data[i]! > max) max = data[i]!; }
  const fineBins = 4096;
  const fine = new Uint32Array(fineBins);
  const fineScale = max > 0 ? (fineBins - 1) / max : 0;
  for (let i = 0; i < n; i++) if (mask.data[i]) { const v = data[i]!; fine[v > 0 ? Math.floor(v * fineScale) : 0]!++; }
  let top = max;
  const target = Math.floor(count * 0.999);
  for (let b = 0, acc = 0; b < fineBins; b++) { acc += fine[b]!; if (acc > target) { top = (b + 1) / Math.max(1e-12, fineScale); break; } }
  top = Math.max(1e-9, Math.min(top, max > 0 ? max : 1e-9));
  const hist = new Float64Array(bins);
  for (let i = 0; i < n; i++) if (mask.data[i]) { const v = data[i]!; hist[Math.min(bins - 1, Math.max(0, Math.floor((v / top) * bins)))]!++; }
  const t = tsallisThreshold(hist, { q: options.q ?? 0.8 });
  const threshold = ((t + 1) / bins) * top;
  const probability = new Float32Array(n);
  const above = 0.5 / Math.max(1e-9, top - threshold);
  const below = 0.5 / threshold;
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    const v = data[i]!;
    probability[i] = v <= threshold ? below * (v > 0 ? v : 0) : Math.min(1, 0.5 + above * (v - threshold));
  }
  return { probability, threshold };
}
