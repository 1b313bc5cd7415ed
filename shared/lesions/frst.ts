import type { FloatImage } from '../image/RgbImage.js';
import { convolveCols, convolveRows, gaussianKernel } from '../filters/gaussianBlur.js';
import type { FrstOptions, FrstResult } from './FrstOptions.js';
import { frstWasm } from './frstWasm.js';

/**
 * Fast Radial Symmetry Transform, after G. Loy and A. Zelinsky, "Fast Radial Symmetry for Detecting Points of
 * Interest", IEEE TPAMI 25(8):959–973, 2003.
 *
 * For each radius n: every pixel p with gradient g(p) (3×3 Sobel) above the threshold β votes at the positively
 * affected pixel p+ = p + round(n·g/|g|) (bright centres) and the negatively affected pixel p− = p − round(n·g/|g|)
 * (dark centres), building the orientation projection O_n (vote counts) and the magnitude projection M_n (summed
 * |g|). With Õ_n = clamp(O_n, k_n) (k_n = 8 for n = 1, 9.9 otherwise):
 *   F_n = (M_n / k_n) · (|Õ_n| / k_n)^α,   S_n = F_n ∗ A_n,   S = mean_n S_n,
 * where A_n is a Gaussian of σ = 0.25·n. Dark and bright polarities are kept apart (dark-only: p− votes only;
 * bright-only: p+ votes only), so both maps are non-negative and large at symmetric centres.
 *
 * Speed: Gaussian blurs are linear, so Σ_n A_n ∗ F_n is computed Horner-style from the largest radius down,
 * blurring the running sum by the increment σ_n² − σ_{n−1}² each step: one small kernel per radius instead of
 * growing ones. The result equals the per-radius blurs up to the sampling of small Gaussians.
 */

export type { FrstOptions, FrstResult } from './FrstOptions.js';

/** Computes dark-only and/or bright-only FRST symmetry maps of a single-channel image. */
export function frst(image: FloatImage, options: FrstOptions = {}): FrstResult {
  return options.implementation === 'js' ? frstJs(image, options) : frstWasm(image, options);
}

/** The reference implementation of {@link frst} in TypeScript (`options.implementation` is ignored). */
export function frstJs(image: FloatImage, options: FrstOptions = {}): FrstResult {
  const { width: w, height: h, data: src } = image;
  const radii = [...(options.radii ?? [1, 2, 3, 4, 5, 6, 7, 8])].sort((a, b) => b - a);
  const alpha = options.alpha ?? 2;
  const beta = options.beta ?? 0;
  const polarity = options.polarity ?? 'both';
  const sigmaPer = options.sigmaPerRadius ?? 0.25;
  const doDark = polarity !== 'bright';
  const doBright = polarity !== 'dark';
  const n = w * h;

  // Sobel gradient; unit direction and magnitude of voting pixels, packed into arrays of active pixels.
  const mag = new Float32Array(n);
  const gxs = new Float32Array(n);
  const gys = new Float32Array(n);
  let maxMag = 0;
  for (let y = 1; y < h - 1; y++) {
    const r0 = (y - 1) * w, r1 = y * w, r2 = (y + 1) * w;
    for (let x = 1; x < w - 1; x++) {
      const a = src[r0 + x - 1]!, b = src[r0 + x]!, c = src[r0 + x + 1]!;
      const d = src[r1 + x - 1]!, f = src[r1 + x + 1]!;
      const g = src[r2 + x - 1]!, hh = src[r2 + x]!, i = src[r2 + x + 1]!;
      const gx = c + 2 * f + i - a - 2 * d - g;
      const gy = g + 2 * hh + i - a - 2 * b - c;
      const m = Math.sqrt(gx * gx + gy * gy);
      const idx = r1 + x;
      mag[idx] = m; gxs[idx] = gx; gys[idx] = gy;
      if (m > maxMag) maxMag = m;
    }
  }
  const threshold = beta * maxMag;
  const mask = options.voteMask?.data;
  let count = 0;
  for (let idx = 0; idx < n; idx++) if (mag[idx]! > threshold && mag[idx]! > 0 && (!mask || mask[idx])) count++;
  const act = new Int32Array(count);
  const ax = new Float32Array(count);
  const ay = new Float32Array(count);
  const am = new Float32Array(count);
  const px = new Int32Array(count);
  const py = new Int32Array(count);
  for (let idx = 0, k = 0; idx < n; idx++) {
    const m = mag[idx]!;
    if (m > threshold && m > 0 && (!mask || mask[idx])) {
      act[k] = idx; am[k] = m; ax[k] = gxs[idx]! / m; ay[k] = gys[idx]! / m;
      px[k] = idx % w; py[k] = (idx / w) | 0;
      k++;
    }
  }

  const oD = doDark ? new Float32Array(n) : null;
  const mD = doDark ? new Float32Array(n) : null;
  const oB = doBright ? new Float32Array(n) : null;
  const mB = doBright ? new Float32Array(n) : null;
  const accD = doDark ? new Float32Array(n) : null;
  const accB = doBright ? new Float32Array(n) : null;
  const tmp = new Float32Array(n);
  const tmp2 = new Float32Array(n);

  for (let ri = 0; ri < radii.length; ri++) {
    const r = radii[ri]!;
    oD?.fill(0); mD?.fill(0); oB?.fill(0); mB?.fill(0);
    for (let k = 0; k < count; k++) {
      const dx = Math.round(ax[k]! * r);
      const dy = Math.round(ay[k]! * r);
      const x = px[k]!, y = py[k]!, m = am[k]!;
      if (oB) {
        const tx = x + dx, ty = y + dy;
        if (tx >= 0 && tx < w && ty >= 0 && ty < h) { const t = ty * w + tx; oB[t]!++; mB![t]! += m; }
      }
      if (oD) {
        const tx = x - dx, ty = y - dy;
        if (tx >= 0 && tx < w && ty >= 0 && ty < h) { const t = ty * w + tx; oD[t]!++; mD![t]! += m; }
      }
    }
    const kn = r === 1 ? 8 : 9.9;
    const sigma = sigmaPer * r;
    const next = radii[ri + 1];
    const blurSigma = next === undefined ? sigma : Math.sqrt(Math.max(0, sigma * sigma - (sigmaPer * next) ** 2));
    const kernel = gaussianKernel(Math.max(blurSigma, 1e-3));
    for (const [o, m, acc] of [[oD, mD, accD], [oB, mB, accB]] as const) {
      if (!o || !m || !acc) continue;
      const invK = 1 / kn;
      if (alpha === 2) {
        for (let i = 0; i < n; i++) {
          const c = o[i]! < kn ? o[i]! : kn;
          const q = c * invK;
          acc[i]! += m[i]! * invK * q * q;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const c = o[i]! < kn ? o[i]! : kn;
          acc[i]! += m[i]! * invK * Math.pow(c * invK, alpha);
        }
      }
      convolveRows(acc, tmp, w, h, kernel);
      convolveCols(tmp, tmp2, w, h, kernel);
      acc.set(tmp2);
    }
  }
  const scale = 1 / radii.length;
  const finish = (acc: Float32Array | null): FloatImage | null => {
    if (!acc) return null;
    for (let i = 0; i < n; i++) acc[i]! *= scale;
    return { width: w, height: h, data: acc };
  };
  return { dark: finish(accD), bright: finish(accB) };
}
