import type { FloatImage } from '../image/RgbImage.js';
import { boxBlurWasm } from '../native/kernels.js';

/**
 * Approximate Gaussian blur of large σ by three box filters (running sums: cost independent of σ).
 * Box widths follow the standard three-pass construction (Wells 1986; Kovesi 2010, "Fast almost-Gaussian
 * filtering"). Edges are clamped.
 */
export function boxBlurGaussian(image: FloatImage, sigma: number): FloatImage {
  const { width: w, height: h } = image;
  // Images of a few thousand pixels and more go to the WebAssembly kernel (bit-identical, 3-4x faster).
  if (w * h >= wasmMinPixels && image.data.length === w * h) {
    const radii = boxRadiiForGaussian(sigma, 3);
    if (radii.every((r) => Number.isInteger(r) && r <= maxWasmRadius)) return { width: w, height: h, data: boxBlurWasm(image.data, w, h, radii) };
  }
  return boxBlurGaussianJs(image, sigma);
}

/** Below this many pixels the TypeScript blur is used (copying in and out of WebAssembly would dominate). */
const wasmMinPixels = 4096;
/** Larger box radii (σ in the millions) stay in TypeScript, whose numbers cannot overflow. */
const maxWasmRadius = 1 << 24;

/** The TypeScript reference of {@link boxBlurGaussian}. */
export function boxBlurGaussianJs(image: FloatImage, sigma: number): FloatImage {
  const { width: w, height: h } = image;
  const radii = boxRadiiForGaussian(sigma, 3);
  const a = new Float32Array(image.data);
  const b = new Float32Array(w * h);
  for (const r of radii) {
    boxRows(a, b, w, h, r);
    boxCols(b, a, w, h, r);
  }
  return { width: w, height: h, data: a };
}

/** Box radii whose repeated application approximates a Gaussian of σ (Kovesi 2010). */
export function boxRadiiForGaussian(sigma: number, passes: number): number[] {
  const wIdeal = Math.sqrt((12 * sigma * sigma) / passes + 1);
  let wl = Math.floor(wIdeal);
  if (wl % 2 === 0) wl--;
  const wu = wl + 2;
  const mIdeal = (12 * sigma * sigma - passes * wl * wl - 4 * passes * wl - 3 * passes) / (-4 * wl - 4);
  const m = Math.round(mIdeal);
  const out: number[] = [];
  for (let i = 0; i < passes; i++) out.push(((i < m ? wl : wu) - 1) / 2);
  return out;
}

function boxRows(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  if (r <= 0) { dst.set(src); return; }
  const inv = 1 / (2 * r + 1);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const first = src[row]!, last = src[row + w - 1]!;
    let acc = r * first;
    for (let i = 0; i < r; i++) acc += src[row + Math.min(i, w - 1)]!;
    for (let x = 0; x < w; x++) {
      const add = x + r < w ? src[row + x + r]! : last;
      acc += add;
      dst[row + x] = acc * inv;
      const sub = x - r >= 0 ? src[row + x - r]! : first;
      acc -= sub;
    }
  }
}

function boxCols(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  if (r <= 0) { dst.set(src); return; }
  const inv = 1 / (2 * r + 1);
  const acc = new Float64Array(w);
  for (let x = 0; x < w; x++) acc[x] = r * src[x]!;
  for (let i = 0; i < r; i++) { const row = Math.min(i, h - 1) * w; for (let x = 0; x < w; x++) acc[x]! += src[row + x]!; }
  for (let y = 0; y < h; y++) {
    const addRow = (y + r < h ? y + r : h - 1) * w;
    const subRow = (y - r >= 0 ? y - r : 0) * w;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      acc[x]! += src[addRow + x]!;
      dst[row + x] = acc[x]! * inv;
      acc[x]! -= src[subRow + x]!;
    }
  }
}
