/**
 * Tsallis-entropy threshold of a histogram, after M. Portes de Albuquerque, I. A. Esquef, A. R. Gesualdi Mello and
 * M. Portes de Albuquerque, "Image thresholding using Tsallis entropy", Pattern Recognition Letters 25:1059–1065, 2004.
 *
 * For a threshold t splitting the normalised histogram p into A = {i ≤ t} and B = {i > t} with P_A = Σ_A p_i:
 *   S_q^A = (1 − Σ_A (p_i / P_A)^q) / (q − 1),  S_q^B likewise,
 * and t* = argmax_t S_q^A + S_q^B + (1 − q) · S_q^A · S_q^B  (pseudo-additivity of the Tsallis entropy).
 */

/** Options of {@link tsallisThreshold}. */
export interface TsallisThresholdOptions {
  /** Entropic index q (q → 1 recovers Shannon/Kapur). @default 0.8 */
  q?: number;
}

/** Returns the bin index t* (class A = bins 0..t*) maximising the Tsallis criterion; -1 for an empty histogram. */
export function tsallisThreshold(histogram: ArrayLike<number>, options: TsallisThresholdOptions = {}): number {
  const q = options.q ?? 0.8;
  const bins = histogram.length;
  let total = 0;
  for (let i = 0; i < bins; i++) total += histogram[i]!;
  if (total <= 0) return -1;
  const p = new Float64Array(bins);
  for (let i = 0; i < bins; i++) p[i] = histogram[i]! / total;
  // Σ_A (p_i / P_A)^q = (Σ_A p_i^q) / P_A^q: prefix sums of p_i^q make the search linear instead of quadratic.
  const powA = new Float64Array(bins);
  for (let i = 0, acc = 0; i < bins; i++) { if (p[i]! > 0) acc += Math.pow(p[i]!, q); powA[i] = acc; }
  const powAll = powA[bins - 1]!;
  let best = -Infinity;
  let bestT = -1;
  let pa = 0;
  for (let t = 0; t < bins - 1; t++) {
    pa += p[t]!;
    const pb = 1 - pa;
    if (pa <= 1e-12 || pb <= 1e-12) continue;
    const sa = powA[t]! / Math.pow(pa, q);
    const sb = (powAll - powA[t]!) / Math.pow(pb, q);
    const entA = (1 - sa) / (q - 1);
    const entB = (1 - sb) / (q - 1);
    const score = entA + entB + (1 - q) * entA * entB;
    if (score > best) { best = score; bestT = t; }
  }
  return bestT;
}
