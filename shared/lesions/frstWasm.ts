import { DrgradeError, invalidArgument } from '../errors.js';
import { gaussianKernel } from '../filters/gaussianBlur.js';
import type { FloatImage } from '../image/RgbImage.js';
import type { FrstOptions, FrstResult } from './FrstOptions.js';
import { frstWasmBase64 } from './frstWasmBinary.js';
import { WasmInstance, type WasmMemoryExports } from '../native/wasmInstance.js';

/**
 * WebAssembly (SIMD128) implementation of the Fast Radial Symmetry Transform, the default behind `frst()`.
 *
 * Same maths, options and results as the reference `frstJs` in frst.ts: this module sorts the radii, builds the
 * Gaussian kernels with the same `gaussianKernel` and lookup tables with the same `Math.pow`, and native/frst.c
 * does the pixel work. Vote positions are bit-identical to the reference (the gradient is reproduced exactly and
 * offsets use Math.round's ties-towards-+∞ rule); the maps differ only by float32 rounding in the projections
 * and blurs (the reference sums some of them in float64): within 1e-5 of each map's largest value in the tests.
 */

/** The exports of native/frst.c. */
interface FrstExports extends WasmMemoryExports {
  frst_reset(): void;
  frst_alloc(bytes: number): number;
  frst_setup(src: number, mask: number, width: number, height: number, flags: number, reach: number, maxKernelRadius: number, beta: number, fixedPoint: number): number;
  frst_radius(radius: number, kn: number, kernel: number, kernelRadius: number, lut: number, lutLast: number, scale: number): number;
  frst_dark(): number;
  frst_bright(): number;
}

/** Radii beyond this would need vote rings and kernels larger than any photograph. */
const maxAbsRadius = 4096;

const frstModule = new WasmInstance<FrstExports>(frstWasmBase64);

/** WebAssembly FRST with the signature and semantics of `frst` (see frst.ts); `options.implementation` is ignored. */
export function frstWasm(image: FloatImage, options: FrstOptions = {}): FrstResult {
  const { width: w, height: h, data } = image;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 0 || h < 0 || data.length !== w * h) {
    throw invalidArgument('frst image', `a ${w}×${h} image with ${w * h} samples`, `${data.length} samples`);
  }
  const radii = [...(options.radii ?? [1, 2, 3, 4, 5, 6, 7, 8])].sort((a, b) => b - a);
  if (radii.length === 0 || radii.some((r) => !Number.isFinite(r) || Math.abs(r) > maxAbsRadius)) {
    throw invalidArgument('frst radii', `a non-empty array of finite radii of at most ${maxAbsRadius}`, radii.length === 0 ? 'an empty array' : `[${radii.join(', ')}]`);
  }
  const alpha = options.alpha ?? 2;
  if (!Number.isFinite(alpha)) throw invalidArgument('frst alpha', 'a finite number', alpha);
  const beta = options.beta ?? 0;
  if (!Number.isFinite(beta)) throw invalidArgument('frst beta', 'a finite number', beta);
  const sigmaPer = options.sigmaPerRadius ?? 0.25;
  if (!Number.isFinite(sigmaPer) || sigmaPer < 0) throw invalidArgument('frst sigmaPerRadius', 'a finite number >= 0', sigmaPer);
  const mask = options.voteMask;
  if (mask && (mask.width !== w || mask.height !== h || mask.data.length !== w * h)) {
    throw invalidArgument('frst voteMask', `a ${w}×${h} mask`, `${mask.width}×${mask.height} with ${mask.data.length} samples`);
  }
  const polarity = options.polarity ?? 'both';
  const doDark = polarity !== 'bright';
  const doBright = polarity !== 'dark';
  const n = w * h;
  if (n === 0) {
    return {
      dark: doDark ? { width: w, height: h, data: new Float32Array(0) } : null,
      bright: doBright ? { width: w, height: h, data: new Float32Array(0) } : null,
    };
  }

  // The reference's kernels and α lookup tables, largest radius first (Horner order).
  const steps = radii.map((r, ri) => {
    const kn = r === 1 ? 8 : 9.9;
    const sigma = sigmaPer * r;
    const next = radii[ri + 1];
    const blurSigma = next === undefined ? sigma : Math.sqrt(Math.max(0, sigma * sigma - (sigmaPer * next) ** 2));
    const kernel = gaussianKernel(Math.max(blurSigma, 1e-3));
    // native/frst.c folds the kernel in half (one multiply per pair of taps).
    for (let i = 0; i < kernel.length >> 1; i++) {
      if (kernel[i] !== kernel[kernel.length - 1 - i]) throw new DrgradeError('INTERNAL', 'Expected a symmetric kernel for frst but received an asymmetric one');
    }
    let lut: Float32Array | null = null;
    if (alpha !== 2) {
      const invK = 1 / kn;
      const last = Math.ceil(kn);
      lut = new Float32Array(last + 1);
      for (let j = 0; j <= last; j++) lut[j] = Math.pow((j < kn ? j : kn) * invK, alpha);
    }
    return { r, kn, kernel, lut };
  });
  const maxKernelRadius = Math.max(...steps.map((s) => (s.kernel.length - 1) >> 1));
  const maxAbs = Math.max(...radii.map(Math.abs));
  const reach = Math.ceil(maxAbs) + 1;
  // Integer radii up to 15 (the usual case) let native/frst.c round vote offsets in exact fixed point.
  const fixedPoint = radii.every(Number.isInteger) ? (maxAbs <= 8 ? 1 : maxAbs <= 15 ? 2 : 0) : 0;

  const wasm = frstModule.get();
  const tooLarge = (): DrgradeError =>
    new DrgradeError('PIXEL_LIMIT_EXCEEDED', `Expected an image that fits the 4 GiB WebAssembly memory for frst image but received ${w}×${h}`);
  const alloc = (bytes: number): number => {
    const ptr = bytes < 0xffff0000 ? wasm.frst_alloc(bytes) : 0;
    if (ptr === 0) throw tooLarge();
    return ptr;
  };
  try {
    wasm.frst_reset();
    const srcPtr = alloc(n * 4);
    new Float32Array(wasm.memory.buffer, srcPtr, n).set(data);
    let maskPtr = 0;
    if (mask) {
      maskPtr = alloc(n);
      new Uint8Array(wasm.memory.buffer, maskPtr, n).set(mask.data);
    }
    const placed = steps.map((s) => {
      const kernelPtr = alloc(s.kernel.length * 4);
      new Float32Array(wasm.memory.buffer, kernelPtr, s.kernel.length).set(s.kernel);
      let lutPtr = 0;
      if (s.lut) {
        lutPtr = alloc(s.lut.length * 4);
        new Float32Array(wasm.memory.buffer, lutPtr, s.lut.length).set(s.lut);
      }
      return { ...s, kernelPtr, lutPtr };
    });
    const flags = (doDark ? 1 : 0) | (doBright ? 2 : 0);
    if (wasm.frst_setup(srcPtr, maskPtr, w, h, flags, reach, maxKernelRadius, beta, fixedPoint) < 0) throw tooLarge();
    const scale = 1 / radii.length;
    placed.forEach((s, i) => {
      const kernelRadius = (s.kernel.length - 1) >> 1;
      const status = wasm.frst_radius(s.r, s.kn, s.kernelPtr, kernelRadius, s.lutPtr, s.lut ? s.lut.length - 1 : 0, i === placed.length - 1 ? scale : 1);
      if (status !== 0) throw new DrgradeError('INTERNAL', `Expected radius ${s.r} and kernel radius ${kernelRadius} to match the frst setup`);
    });
    const copyOut = (ptr: number): FloatImage => ({ width: w, height: h, data: new Float32Array(wasm.memory.buffer, ptr, n).slice() });
    return { dark: doDark ? copyOut(wasm.frst_dark()) : null, bright: doBright ? copyOut(wasm.frst_bright()) : null };
  } finally {
    frstModule.release();
  }
}
