import { boxBlurGaussian } from '../filters/boxBlur.js';

/**
 * Gaussian blurs restricted to a mask (normalised convolution): blur(values · mask) / blur(mask), 0 where the mask's
 * blurred weight is under 0.05. Callers pass values already zero outside the mask. The blurred mask of each σ is
 * computed once and reused by every blur of that σ.
 */
export class MaskedBlur {
  readonly #width: number;
  readonly #height: number;
  readonly #maskWeights: Float32Array;
  readonly #blurredMasks = new Map<number, Float32Array>();

  /** `mask` is 1 inside, 0 outside, `width × height`. */
  constructor(mask: Uint8Array, width: number, height: number) {
    this.#width = width;
    this.#height = height;
    this.#maskWeights = new Float32Array(mask.length);
    for (let i = 0; i < mask.length; i++) if (mask[i]) this.#maskWeights[i] = 1;
  }

  /** The blurred mask at `sigma` (cached). */
  blurredMask(sigma: number): Float32Array {
    let b = this.#blurredMasks.get(sigma);
    if (!b) {
      b = boxBlurGaussian({ width: this.#width, height: this.#height, data: this.#maskWeights }, sigma).data;
      this.#blurredMasks.set(sigma, b);
    }
    return b;
  }

  /** The masked blur of `values` at `sigma`. */
  blur(values: Float32Array, sigma: number): Float32Array {
    const numerator = boxBlurGaussian({ width: this.#width, height: this.#height, data: values }, sigma).data;
    const weight = this.blurredMask(sigma);
    const out = new Float32Array(numerator.length);
    for (let i = 0; i < out.length; i++) out[i] = weight[i]! > 0.05 ? numerator[i]! / weight[i]! : 0;
    return out;
  }
}
