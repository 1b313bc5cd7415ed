/**
 * Standardises `values` by the mean and standard deviation of the pixels inside `mask` (every pixel is
 * transformed; the standard deviation is at least 1e-6). Makes maps of different units and cameras comparable.
 */
export function maskedZScore(values: Float32Array, mask: Uint8Array): Float32Array {
  let sum = 0, sumSq = 0, count = 0;
  for (let i = 0; i < values.length; i++) if (mask[i]) { sum += values[i]!; sumSq += values[i]! * values[i]!; count++; }
  const mean = count ? sum / count : 0;
  const sd = count ? Math.sqrt(Math.max(1e-12, sumSq / count - mean * mean)) : 1;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - mean) / sd;
  return out;
}
