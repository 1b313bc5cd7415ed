/**
 * The image types at the bottom of the project: plain data, importing nothing.
 * Pixels are row-major; `RgbImage.data` is interleaved 8-bit sRGB R, G, B.
 */

/** An 8-bit sRGB image, 3 interleaved channels, row-major. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A single-channel float image, row-major. */
export interface FloatImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** A single-channel 8-bit mask (0 = off, non-zero = on), row-major. */
export interface MaskImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Allocates a black RGB image. */
export function createRgbImage(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

/** Allocates a zero float image. */
export function createFloatImage(width: number, height: number): FloatImage {
  return { width, height, data: new Float32Array(width * height) };
}

/** Extracts one channel (0 R, 1 G, 2 B) of an RGB image as floats in 0–255. */
export function channelOf(image: RgbImage, channel: 0 | 1 | 2): FloatImage {
  const out = createFloatImage(image.width, image.height);
  const src = image.data;
  const dst = out.data;
  for (let i = 0, j = channel; i < dst.length; i++, j += 3) dst[i] = src[j]!;
  return out;
}
