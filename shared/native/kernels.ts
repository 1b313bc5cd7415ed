import { DrgradeError } from '../errors.js';
import { kernelsWasmBase64 } from './kernelsWasmBinary.js';
import { WasmInstance, type WasmMemoryExports } from './wasmInstance.js';

/**
 * Driver of native/kernels.c (WebAssembly): the three-box Gaussian blur, the enhancement's masked background
 * subtraction and the local-entropy window histograms. Every kernel is bit-identical to its TypeScript reference
 * (boxBlurGaussianJs, enhanceWithBackgroundJs, localEntropyJs); the references stay as the specification and for
 * inputs the module does not take. Single-threaded, synchronous; one instance per process, reused.
 */

interface KernelExports extends WasmMemoryExports {
  k_reset(): void;
  k_alloc(bytes: number): number;
  k_box_blur(a: number, b: number, acc: number, w: number, h: number, radii: number, passes: number): void;
  k_enhance(rgb: number, mask: number, w: number, h: number, radii: number, passes: number, gain: number, out: number, backgrounds: number, scratch: number, acc: number): void;
  k_entropy_counts(data: number, q: number, w: number, h: number, lo: number, scale: number, levels: number, win: number, step: number, counts: number): void;
  k_landmark_downsample(rgb: number, mask: number, W: number, w: number, h: number, f: number, lum: number, red: number, m: number, sums: number): void;
  k_sym_fine(map: number, mask: number, n: number, fine: number, fineBins: number, countOut: number): number;
  k_sym_hist(map: number, mask: number, n: number, top: number, hist: number, bins: number): void;
  k_sym_maxima(map: number, mask: number, w: number, h: number, threshold: number, top: number, minScore: number, border: number, found: number, probs: number, capacity: number): number;
}

const kernelsModule = new WasmInstance<KernelExports>(kernelsWasmBase64);

/** Runs `body` with a fresh arena; `alloc` throws PIXEL_LIMIT_EXCEEDED when the 4 GiB memory cannot hold it. */
function withArena<T>(what: string, body: (wasm: KernelExports, alloc: (bytes: number) => number) => T): T {
  const wasm = kernelsModule.get();
  wasm.k_reset();
  const alloc = (bytes: number): number => {
    const ptr = bytes < 0xffff0000 ? wasm.k_alloc(bytes) : 0;
    if (ptr === 0) throw new DrgradeError('PIXEL_LIMIT_EXCEEDED', `Expected an image that fits the 4 GiB WebAssembly memory for ${what} but received a larger one`);
    return ptr;
  };
  try {
    return body(wasm, alloc);
  } finally {
    kernelsModule.release();
  }
}

/** Box blur passes of the given radii (rows then columns each), as boxBlurGaussianJs. Returns a new array. */
export function boxBlurWasm(data: Float32Array, w: number, h: number, radii: readonly number[]): Float32Array {
  const n = w * h;
  return withArena('the box blur', (wasm, alloc) => {
    const a = alloc(n * 4), b = alloc(n * 4), acc = alloc(Math.max(1, w) * 8), r = alloc(radii.length * 4);
    new Float32Array(wasm.memory.buffer, a, n).set(data);
    new Int32Array(wasm.memory.buffer, r, radii.length).set(radii);
    wasm.k_box_blur(a, b, acc, w, h, r, radii.length);
    return new Float32Array(wasm.memory.buffer, a, n).slice();
  });
}

/** The enhancement of enhanceWithBackgroundJs: enhanced RGB bytes and the three masked backgrounds. */
export function enhanceWasm(rgb: Uint8Array, mask: Uint8Array, w: number, h: number, radii: readonly number[], gain: number): { enhanced: Uint8Array; background: Float32Array[] } {
  const n = w * h;
  return withArena('the enhancement', (wasm, alloc) => {
    const rgbPtr = alloc(n * 3), maskPtr = alloc(n), out = alloc(n * 3), bg = alloc(n * 12), scratch = alloc(n * 32), acc = alloc(Math.max(1, w) * 32), r = alloc(radii.length * 4);
    new Uint8Array(wasm.memory.buffer, rgbPtr, n * 3).set(rgb);
    new Uint8Array(wasm.memory.buffer, maskPtr, n).set(mask);
    new Int32Array(wasm.memory.buffer, r, radii.length).set(radii);
    wasm.k_enhance(rgbPtr, maskPtr, w, h, r, radii.length, gain, out, bg, scratch, acc);
    const buffer = wasm.memory.buffer;
    return {
      enhanced: new Uint8Array(buffer, out, n * 3).slice(),
      background: [0, 1, 2].map((c) => new Float32Array(buffer, bg + c * n * 4, n).slice()),
    };
  });
}

/**
 * Window histograms of localEntropyJs: for every grid point, `levels` counts (uint16, so the window may hold at
 * most 65,535 pixels; levels at most 256).
 */
export function entropyCountsWasm(data: Float32Array, w: number, h: number, lo: number, scale: number, levels: number, win: number, step: number): Uint16Array {
  const n = w * h;
  const gw = Math.ceil(w / step), gh = Math.ceil(h / step);
  return withArena('the local entropy', (wasm, alloc) => {
    const d = alloc(n * 4), q = alloc(n), counts = alloc(gw * gh * levels * 2);
    new Float32Array(wasm.memory.buffer, d, n).set(data);
    wasm.k_entropy_counts(d, q, w, h, lo, scale, levels, win, step, counts);
    return new Uint16Array(wasm.memory.buffer, counts, gw * gh * levels).slice();
  });
}

/** The steps of the symmetry probability that stay in TypeScript (they need the reference's helpers). */
export interface SymmetrySteps {
  /** From the fine histogram over [0, max] of the values inside the mask: the value that maps to probability 1. */
  top(fine: Uint32Array, count: number, max: number, fineScale: number): number;
  /** From the histogram of value / top inside the mask: the value that maps to probability 0.5. */
  threshold(hist: Float64Array, top: number): number;
}

/**
 * symmetryProbability followed by localMaxima (shared/lesions/symmetryProbability.ts), without the probability
 * map leaving WebAssembly: returns the threshold and the maxima's pixel indices in raster order with their
 * probabilities.
 */
export function symmetryMaximaWasm(
  map: Float32Array, mask: Uint8Array, w: number, h: number, fineBins: number, bins: number, minScore: number, border: number, steps: SymmetrySteps,
): { threshold: number; indices: Int32Array; probabilities: Float32Array } {
  const n = w * h;
  return withArena('the symmetry probability', (wasm, alloc) => {
    const mapPtr = alloc(n * 4), maskPtr = alloc(n), fine = alloc(fineBins * 4), countPtr = alloc(4), hist = alloc(bins * 8);
    new Float32Array(wasm.memory.buffer, mapPtr, n).set(map);
    new Uint8Array(wasm.memory.buffer, maskPtr, n).set(mask);
    const max = wasm.k_sym_fine(mapPtr, maskPtr, n, fine, fineBins, countPtr);
    const count = new Uint32Array(wasm.memory.buffer, countPtr, 1)[0]!;
    const top = steps.top(new Uint32Array(wasm.memory.buffer, fine, fineBins).slice(), count, max, max > 0 ? (fineBins - 1) / max : 0);
    wasm.k_sym_hist(mapPtr, maskPtr, n, top, hist, bins);
    const threshold = steps.threshold(new Float64Array(wasm.memory.buffer, hist, bins).slice(), top);
    let capacity = 16384;
    for (;;) {
      const found = alloc(capacity * 4), probs = alloc(capacity * 4);
      const total = wasm.k_sym_maxima(mapPtr, maskPtr, w, h, threshold, top, minScore, border, found, probs, capacity);
      if (total <= capacity) {
        return { threshold, indices: new Int32Array(wasm.memory.buffer, found, total).slice(), probabilities: new Float32Array(wasm.memory.buffer, probs, total).slice() };
      }
      capacity = total;
    }
  });
}

/** downsample of findLandmarks.ts: f × f block means of luminance and red, and the mask's majority, of a W-wide image. */
export function landmarkDownsampleWasm(rgb: Uint8Array, mask: Uint8Array, W: number, H: number, f: number): { lum: Float32Array; red: Float32Array; mask: Uint8Array } {
  const w = Math.floor(W / f), h = Math.floor(H / f), n = w * h;
  return withArena('the landmark downsampling', (wasm, alloc) => {
    const rgbPtr = alloc(W * H * 3), maskPtr = alloc(W * H), lum = alloc(n * 4), red = alloc(n * 4), m = alloc(n), sums = alloc(Math.max(1, w) * 24);
    new Uint8Array(wasm.memory.buffer, rgbPtr, W * H * 3).set(rgb);
    new Uint8Array(wasm.memory.buffer, maskPtr, W * H).set(mask);
    wasm.k_landmark_downsample(rgbPtr, maskPtr, W, w, h, f, lum, red, m, sums);
    const buffer = wasm.memory.buffer;
    return { lum: new Float32Array(buffer, lum, n).slice(), red: new Float32Array(buffer, red, n).slice(), mask: new Uint8Array(buffer, m, n).slice() };
  });
}
