import { boxBlurGaussian } from '../filters/boxBlur.js';

/**
 * Luminance divided by its wide masked background (σ = `sigma`), so that 1 is the local background whatever the
 * camera's exposure, gain or vignetting; 0 outside the mask and where under 20 % of the neighbourhood is inside.
 */
export function relativeLuminance(lum: Float32Array, mask: Uint8Array, width: number, height: number, sigma: number): Float32Array {
  const n = width * height;
  const masked = new Float32Array(n), weights = new Float32Array(n);
  for (let i = 0; i < n; i++) if (mask[i]) { masked[i] = lum[i]!; weights[i] = 1; }
  const background = boxBlurGaussian({ width, height, data: masked }, sigma).data;
  const weight = boxBlurGaussian({ width, height, data: weights }, sigma).data;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mask[i] && weight[i]! > 0.2 ? lum[i]! / Math.max(1, background[i]! / weight[i]!) : 0;
  return out;
}
