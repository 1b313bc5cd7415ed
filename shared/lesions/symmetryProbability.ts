import type { FloatImage, MaskImage } from '../image/RgbImage.js';
import { symmetryMaximaWasm, type SymmetrySteps } from '../native/kernels.js';
import { tsallisThreshold } from './tsallisThreshold.js';

/** Options of {@link symmetryProbability}. */
export interface SymmetryProbabilityOptions {
  /** Tsallis entropic index. @default 0.8 */
  q?: number;
  /** Histogram bins of the threshold. @default 256 */
  bins?: number;
}

/** Up to this many maxima are ranked by one typed sort (see symmetryMaxima). */
const rankLimit = 2 ** 21;

/** Bins of the fine histogram that stands in for a sort when taking the 99.9th percentile. */
const fineBins = 4096;

/** The steps both paths share, so that they agree to the bit. */
function steps(options: SymmetryProbabilityOptions): SymmetrySteps {
  const bins = options.bins ?? 256;
  return {
    top(fine, count, max, fineScale) {
      let top = max;
      const target = Math.floor(count * 0.999);
      for (let b = 0, acc = 0; b < fine.length; b++) { acc += fine[b]!; if (acc > target) { top = (b + 1) / Math.max(1e-12, fineScale); break; } }
      return Math.max(1e-9, Math.min(top, max > 0 ? max : 1e-9));
    },
    threshold(hist, top) {
      const t = tsallisThreshold(hist, { q: options.q ?? 0.8 });
      return ((t + 1) / bins) * top;
    },
  };
}

/**
 * Lesion probability map from a symmetry image: a 256-bin histogram of the map inside the mask (range 0 to its
 * 99.9th percentile) is thresholded with the Tsallis entropy; the threshold maps to probability 0.5, zero to 0 and
 * the 99.9th percentile (or above) to 1, linearly on each side.
 */
export function symmetryProbability(map: FloatImage, mask: MaskImage, options: SymmetryProbabilityOptions = {}): { probability: Float32Array; threshold: number } {
  const bins = options.bins ?? 256;
  const n = map.data.length;
  const data = map.data;
  const step = steps(options);
  // The 99.9th percentile from a fine histogram (4096 bins over [0, max]) instead of a sort.
  let max = 0, count = 0;
  for (let i = 0; i < n; i++) if (mask.data[i]) { count++; if (data[i]! > max) max = data[i]!; }
  const fine = new Uint32Array(fineBins);
  const fineScale = max > 0 ? (fineBins - 1) / max : 0;
  for (let i = 0; i < n; i++) if (mask.data[i]) { const v = data[i]!; fine[v > 0 ? Math.floor(v * fineScale) : 0]!++; }
  const top = step.top(fine, count, max, fineScale);
  const hist = new Float64Array(bins);
  for (let i = 0; i < n; i++) if (mask.data[i]) { const v = data[i]!; hist[Math.min(bins - 1, Math.max(0, Math.floor((v / top) * bins)))]!++; }
  const threshold = step.threshold(hist, top);
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

/** A local maximum of a symmetry map: position, map value and probability. */
export interface SymmetryMaximum {
  x: number;
  y: number;
  value: number;
  score: number;
}

/**
 * Local maxima of `map` (8-neighbourhood; a plateau counts once, at its first pixel in raster order) inside the
 * mask, at least `border` pixels from the edges, whose probability is at least `minScore`; sorted by map value,
 * highest first (ties in raster order).
 */
export function localMaxima(map: FloatImage, prob: Float32Array, mask: MaskImage, minScore: number, border: number): SymmetryMaximum[] {
  const { width: w, height: h, data } = map;
  const out: SymmetryMaximum[] = [];
  for (let y = border; y < h - border; y++) {
    for (let x = border; x < w - border; x++) {
      const i = y * w + x;
      const v = data[i]!;
      if (!mask.data[i] || prob[i]! < minScore || v <= 0) continue;
      if (v < data[i - 1]! || v < data[i + 1]! || v < data[i - w]! || v < data[i + w]! ||
          v < data[i - w - 1]! || v < data[i - w + 1]! || v < data[i + w - 1]! || v < data[i + w + 1]!) continue;
      // Plateaus: keep only the first pixel in raster order.
      if (v === data[i - 1]! || v === data[i - w]! || v === data[i - w - 1]! || v === data[i - w + 1]!) continue;
      out.push({ x, y, value: v, score: prob[i]! });
    }
  }
  out.sort((a, b) => b.value - a.value);
  return out;
}

/**
 * {@link symmetryProbability} followed by {@link localMaxima}: the threshold and the maxima. The pixel work runs in
 * WebAssembly (native/kernels.c) with the same results as the TypeScript pair, which `implementation: 'js'` runs.
 */
export function symmetryMaxima(
  map: FloatImage, mask: MaskImage, minScore: number, border: number, options: SymmetryProbabilityOptions & { implementation?: 'wasm' | 'js' } = {},
): { threshold: number; maxima: SymmetryMaximum[] } {
  const { width: w, height: h, data } = map;
  const bins = options.bins ?? 256;
  const usable = options.implementation !== 'js' && w * h > 0 && data.length === w * h && mask.data.length === w * h &&
    Number.isInteger(bins) && bins >= 1 && Number.isInteger(border) && border >= 0 && border < 1 << 30 && Number.isFinite(minScore);
  if (!usable) {
    const prob = symmetryProbability(map, mask, options);
    return { threshold: prob.threshold, maxima: localMaxima(map, prob.probability, mask, minScore, border) };
  }
  const { threshold, indices, probabilities } = symmetryMaximaWasm(data, mask.data, w, h, fineBins, bins, minScore, border, steps(options));
  const total = indices.length;
  const maximum = (k: number): SymmetryMaximum => {
    const i = indices[k]!;
    return { x: i % w, y: (i / w) | 0, value: data[i]!, score: probabilities[k]! };
  };
  if (total >= rankLimit) {
    const maxima = Array.from({ length: total }, (_, k) => maximum(k));
    return { threshold, maxima: maxima.sort((a, b) => b.value - a.value) };
  }
  // The same order as the comparator sort, from one typed sort: the values are positive float32, whose bit patterns
  // order like the values; key = bits · 2^21 + (2^21 − 1 − k) is exact in float64 and ranks ties in raster order.
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const keys = new Float64Array(total);
  for (let k = 0; k < total; k++) keys[k] = bits[indices[k]!]! * rankLimit + (rankLimit - 1 - k);
  keys.sort();
  const maxima: SymmetryMaximum[] = new Array(total);
  for (let j = 0; j < total; j++) maxima[j] = maximum(rankLimit - 1 - (keys[total - 1 - j]! % rankLimit));
  return { threshold, maxima };
}
