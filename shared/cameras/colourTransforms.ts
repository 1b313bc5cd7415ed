import type { RgbImage } from '../image/RgbImage.js';

/**
 * Colour changes a different camera, white balance or fundus pigmentation makes to the same retina. Pure functions
 * on 8-bit RGB; black stays black (the surround of a fundus photograph is unlit in every camera).
 */

/** A 3 × 3 colour matrix, row-major: out R = m[0]·R + m[1]·G + m[2]·B, and so on. */
export type ColourMatrix = readonly [number, number, number, number, number, number, number, number, number];

/** Applies a colour matrix to every pixel, rounding and clipping to 0–255. */
export function mixChannels(image: RgbImage, matrix: ColourMatrix): RgbImage {
  const src = image.data;
  const out = new Uint8Array(src.length);
  const [a, b, c, d, e, f, g, h, k] = matrix;
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i]!, gr = src[i + 1]!, bl = src[i + 2]!;
    out[i] = clip(a * r + b * gr + c * bl);
    out[i + 1] = clip(d * r + e * gr + f * bl);
    out[i + 2] = clip(g * r + h * gr + k * bl);
  }
  return { width: image.width, height: image.height, data: out };
}

/** Applies out = 255 · (in / 255)^gamma to every channel (gamma < 1 lightens, > 1 darkens the mid-tones). */
export function applyGamma(image: RgbImage, gamma: number): RgbImage {
  if (!(gamma > 0) || !Number.isFinite(gamma)) throw new RangeError(`Expected a positive number for gamma but received ${gamma}`);
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) table[v] = clip(255 * (v / 255) ** gamma);
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]!]!;
  return { width: image.width, height: image.height, data: out };
}

/**
 * Washes the colour out towards the pixel's own luminance and lifts it: out = gain · (saturation · c + (1 − saturation) · Y).
 * A pale retina (light pigmentation, flash-heavy white balance) looks like this.
 */
export function desaturate(image: RgbImage, saturation: number, gain: number): RgbImage {
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i]!, g = src[i + 1]!, b = src[i + 2]!;
    const y = (1 - saturation) * (0.299 * r + 0.587 * g + 0.114 * b);
    out[i] = clip(gain * (saturation * r + y));
    out[i + 1] = clip(gain * (saturation * g + y));
    out[i + 2] = clip(gain * (saturation * b + y));
  }
  return { width: image.width, height: image.height, data: out };
}

function clip(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
