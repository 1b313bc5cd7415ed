import type { FloatImage } from '../image/RgbImage.js';
import { entropyCountsWasm } from '../native/kernels.js';

/**
 * Local Shannon entropy image: for every pixel on a grid of `step`, the entropy (bits) of the grey-level histogram
 * (`levels` bins over `range`) in a `window` × `window` neighbourhood. Returned at grid resolution with its step.
 */
export interface LocalEntropyOptions {
  /** Window side in pixels. @default 15 */
  window?: number;
  /** Grid step in pixels. @default 4 */
  step?: number;
  /** Grey levels. @default 16 */
  levels?: number;
  /** Value range mapped to the levels. @default [0, 255] */
  range?: readonly [number, number];
}

/** The local-entropy image and the grid step that maps it back to the input (x_in = x_grid · step). */
export interface LocalEntropyImage extends FloatImage {
  readonly step: number;
}

/** Computes the local-entropy image of `image`. */
export function localEntropy(image: FloatImage, options: LocalEntropyOptions = {}): LocalEntropyImage {
  const win = options.window ?? 15;
  const step = options.step ?? 4;
  const levels = options.levels ?? 16;
  const [lo, hi] = options.range ?? [0, 255];
  const { width: w, height: h, data } = image;
  const side = 2 * (win >> 1) + 1;
  const usable = [win, step, levels].every(Number.isInteger) && win >= 0 && step >= 1 && levels >= 1 && levels <= 256 && side * side <= 65535 && Number.isFinite(lo) && Number.isFinite(hi);
  if (!usable || w * h === 0 || data.length !== w * h) return localEntropyJs(image, options);
  // Histograms in WebAssembly; the entropy from them here (log2), in the reference's order, so the result is
  // bit-identical to localEntropyJs.
  const scale = levels / Math.max(1e-9, hi - lo);
  const counts = entropyCountsWasm(data, w, h, lo, scale, levels, win, step);
  const gw = Math.ceil(w / step), gh = Math.ceil(h / step);
  const out = new Float32Array(gw * gh);
  const half = win >> 1;
  // p·log2(p) for every count, one table per window size (interior windows all share one).
  const terms = new Map<number, Float64Array>();
  const termsFor = (total: number): Float64Array => {
    let t = terms.get(total);
    if (!t) {
      t = new Float64Array(total + 1);
      for (let c = 1; c <= total; c++) { const p = c / total; t[c] = p * Math.log2(p); }
      terms.set(total, t);
    }
    return t;
  };
  const cols = new Int32Array(gw);
  for (let gx = 0; gx < gw; gx++) cols[gx] = Math.min(w - 1, gx * step + half) - Math.max(0, gx * step - half) + 1;
  for (let gy = 0; gy < gh; gy++) {
    const cy = gy * step;
    const rows = Math.min(h - 1, cy + half) - Math.max(0, cy - half) + 1;
    let lastCols = -1;
    let t = termsFor(rows);
    for (let gx = 0; gx < gw; gx++) {
      if (cols[gx] !== lastCols) { lastCols = cols[gx]!; t = termsFor(rows * lastCols); }
      let base = (gy * gw + gx) * levels;
      const end = base + levels;
      let e = 0;
      for (; base < end; base++) { const c = counts[base]!; if (c !== 0) e -= t[c]!; }
      out[gy * gw + gx] = e;
    }
  }
  return { width: gw, height: gh, data: out, step };
}

/** The TypeScript reference of {@link localEntropy}. */
export function localEntropyJs(image: FloatImage, options: LocalEntropyOptions = {}): LocalEntropyImage {
  const win = options.window ?? 15;
  const step = options.step ?? 4;
  const levels = options.levels ?? 16;
  const [lo, hi] = options.range ?? [0, 255];
  const { width: w, height: h, data } = image;
  const q = new Uint8Array(w * h);
  const scale = levels / Math.max(1e-9, hi - lo);
  for (let i = 0; i < q.length; i++) {
    const v = Math.floor((data[i]! - lo) * scale);
    q[i] = v < 0 ? 0 : v >= levels ? levels - 1 : v;
  }
  const gw = Math.ceil(w / step), gh = Math.ceil(h / step);
  const out = new Float32Array(gw * gh);
  const hist = new Uint32Array(levels);
  const half = win >> 1;
  for (let gy = 0; gy < gh; gy++) {
    const cy = gy * step;
    const y0 = Math.max(0, cy - half), y1 = Math.min(h - 1, cy + half);
    for (let gx = 0; gx < gw; gx++) {
      const cx = gx * step;
      const x0 = Math.max(0, cx - half), x1 = Math.min(w - 1, cx + half);
      hist.fill(0);
      for (let y = y0; y <= y1; y++) { const row = y * w; for (let x = x0; x <= x1; x++) hist[q[row + x]!]!++; }
      const total = (y1 - y0 + 1) * (x1 - x0 + 1);
      let e = 0;
      for (let b = 0; b < levels; b++) { const c = hist[b]!; if (c) { const p = c / total; e -= p * Math.log2(p); } }
      out[gy * gw + gx] = e;
    }
  }
  return { width: gw, height: gh, data: out, step };
}

/** Samples a local-entropy image at input coordinates (nearest grid point). */
export function sampleLocalEntropy(entropy: LocalEntropyImage, x: number, y: number): number {
  const gx = Math.min(entropy.width - 1, Math.max(0, Math.round(x / entropy.step)));
  const gy = Math.min(entropy.height - 1, Math.max(0, Math.round(y / entropy.step)));
  return entropy.data[gy * entropy.width + gx]!;
}
