import type { RgbImage } from '../image/RgbImage.js';

/**
 * Finds the circular field of view (FOV) of a fundus photograph: the bright retina disc on a dark surround.
 * Works when the circle is cut at the top and bottom (e.g. 4288×2848 IDRiD photographs) because the circle is
 * fitted to the left/right edges of every row and the top/bottom edges of every column that lie inside the frame.
 */

/** Options of {@link findFieldOfView}. */
export interface FindFieldOfViewOptions {
  /**
   * Lowest threshold on the brightest channel (max of R, G, B) separating retina from surround. The brightest
   * channel, not red, so that yellow-green, pale and dark retinas of other cameras separate as IDRiD's do; the
   * threshold itself is 0.35 × Otsu's (10–60), relative to the photograph's own brightness. @default 10
   */
  minThreshold?: number;
}

/** A fitted FOV in the pixels of the image given. */
export interface FovFit {
  readonly cx: number;
  readonly cy: number;
  readonly radius: number;
  /** Fraction of the bright mask inside the fitted circle. */
  readonly maskInsideFraction: number;
  /** Fraction of the fitted circle (within the frame) that is bright. */
  readonly circleFilledFraction: number;
  /** Fraction of the circle's area that lies inside the frame (1 = not cut). */
  readonly visibleFraction: number;
  /** Median absolute residual of edge points from the circle, in pixels. */
  readonly residualPx: number;
  /** Number of edge points used. */
  readonly edgePoints: number;
  /** Threshold used on the brightest channel. */
  readonly threshold: number;
}

/** Fits the FOV circle, or returns `null` when no dark surround with a circular edge is present. */
export function findFieldOfView(image: RgbImage, options: FindFieldOfViewOptions = {}): FovFit | null {
  const { width: w, height: h, data } = image;
  const n = w * h;
  // The surround is near black in every channel, whatever the retina's hue.
  const hist = new Uint32Array(256);
  const lum = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const v = Math.max(data[j]!, data[j + 1]!, data[j + 2]!);
    lum[i] = v;
    hist[v]!++;
  }
  const threshold = Math.max(options.minThreshold ?? 10, Math.min(60, Math.round(otsu(hist, n) * 0.35)));
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = lum[i]! > threshold ? 1 : 0;

  const xs: number[] = [];
  const ys: number[] = [];
  const run = Math.max(2, Math.round(Math.min(w, h) / 200));
  const border = 2;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const left = firstRun(mask, row, 1, w, run);
    if (left < 0) continue;
    const right = w - 1 - firstRunReverse(mask, row, w, run);
    if (left > border) { xs.push(left - 0.5); ys.push(y); }
    if (right < w - 1 - border) { xs.push(right + 0.5); ys.push(y); }
  }
  for (let x = 0; x < w; x++) {
    const top = firstRun(mask, x, w, h, run);
    if (top < 0) continue;
    const bottom = h - 1 - firstRunReverseCol(mask, x, w, h, run);
    if (top > border) { xs.push(x); ys.push(top - 0.5); }
    if (bottom < h - 1 - border) { xs.push(x); ys.push(bottom + 0.5); }
  }
  if (xs.length < 20) return null;

  let fit = fitCircle(xs, ys, null);
  if (!fit) return null;
  for (let iter = 0; iter < 3; iter++) {
    const res = xs.map((x, i) => Math.abs(Math.hypot(x - fit!.cx, ys[i]! - fit!.cy) - fit!.radius));
    const med = median(res);
    const keep = res.map((r) => r <= Math.max(2, 3 * med));
    const next = fitCircle(xs, ys, keep);
    if (!next) break;
    fit = next;
  }
  const residuals = xs.map((x, i) => Math.abs(Math.hypot(x - fit!.cx, ys[i]! - fit!.cy) - fit!.radius));
  const residualPx = median(residuals);
  const inlierCount = residuals.filter((r) => r <= Math.max(2, 3 * residualPx)).length;

  // Agreement between the fitted circle and the bright mask.
  let maskTotal = 0, maskInside = 0, circleInFrame = 0, circleBright = 0;
  const r2 = fit.radius * fit.radius;
  for (let y = 0; y < h; y++) {
    const dy = y - fit.cy;
    for (let x = 0; x < w; x++) {
      const dx = x - fit.cx;
      const inside = dx * dx + dy * dy <= r2;
      const m = mask[y * w + x]!;
      maskTotal += m;
      if (inside) { circleInFrame++; circleBright += m; if (m) maskInside++; }
    }
  }
  const circleArea = Math.PI * r2;
  return {
    cx: fit.cx,
    cy: fit.cy,
    radius: fit.radius,
    maskInsideFraction: maskTotal > 0 ? maskInside / maskTotal : 0,
    circleFilledFraction: circleInFrame > 0 ? circleBright / circleInFrame : 0,
    visibleFraction: Math.min(1, circleInFrame / circleArea),
    residualPx,
    edgePoints: inlierCount,
    threshold,
  };
}

function firstRun(mask: Uint8Array, start: number, step: number, count: number, run: number): number {
  let streak = 0;
  for (let k = 0; k < count; k++) {
    if (mask[start + k * step]) { if (++streak >= run) return k - run + 1; } else streak = 0;
  }
  return -1;
}

function firstRunReverse(mask: Uint8Array, row: number, w: number, run: number): number {
  let streak = 0;
  for (let k = 0; k < w; k++) {
    if (mask[row + w - 1 - k]) { if (++streak >= run) return k - run + 1; } else streak = 0;
  }
  return -1;
}

function firstRunReverseCol(mask: Uint8Array, x: number, w: number, h: number, run: number): number {
  let streak = 0;
  for (let k = 0; k < h; k++) {
    if (mask[(h - 1 - k) * w + x]) { if (++streak >= run) return k - run + 1; } else streak = 0;
  }
  return -1;
}

/** Algebraic (Kåsa) least-squares circle fit: x² + y² + Dx + Ey + F = 0. */
function fitCircle(xs: number[], ys: number[], keep: boolean[] | null): { cx: number; cy: number; radius: number } | null {
  // Centre the data for numerical stability.
  let mx = 0, my = 0, m = 0;
  for (let i = 0; i < xs.length; i++) if (!keep || keep[i]) { mx += xs[i]!; my += ys[i]!; m++; }
  if (m < 10) return null;
  mx /= m; my /= m;
  let suu = 0, svv = 0, suv = 0, suuu = 0, svvv = 0, suvv = 0, svuu = 0;
  for (let i = 0; i < xs.length; i++) {
    if (keep && !keep[i]) continue;
    const u = xs[i]! - mx, v = ys[i]! - my;
    suu += u * u; svv += v * v; suv += u * v;
    suuu += u * u * u; svvv += v * v * v; suvv += u * v * v; svuu += v * u * u;
  }
  const det = suu * svv - suv * suv;
  if (Math.abs(det) < 1e-9) return null;
  const a = 0.5 * (suuu + suvv), b = 0.5 * (svvv + svuu);
  const uc = (a * svv - b * suv) / det;
  const vc = (b * suu - a * suv) / det;
  const radius = Math.sqrt(uc * uc + vc * vc + (suu + svv) / m);
  if (!Number.isFinite(radius) || radius <= 0) return null;
  return { cx: uc + mx, cy: vc + my, radius };
}

function otsu(hist: Uint32Array, total: number): number {
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0, wB = 0, best = 0, bestT = 0;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB, mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) { best = between; bestT = t; }
  }
  return bestT;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
