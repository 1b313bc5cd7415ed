import sharp from 'sharp';
import type { RgbImage } from './RgbImage.js';

/** Options of {@link resampleImage}: the geometry half of `DecodeOptions`, applied to pixels already decoded. */
export interface ResampleOptions {
  /** Region to keep, in the image's pixels (clipped to it). @default the whole image */
  region?: { left: number; top: number; width: number; height: number };
  /** Resize so the larger side is at most this many pixels. @default no resize */
  maxSide?: number;
  /** Resize the region to exactly this size (ignored when `maxSide` is given). */
  size?: { width: number; height: number };
  /** sharp resize kernel. @default 'lanczos3' */
  kernel?: 'nearest' | 'linear' | 'cubic' | 'mitchell' | 'lanczos2' | 'lanczos3';
}

/**
 * Crops and resizes decoded RGB pixels with the same operations `decodeImage` applies after decoding, so that one
 * decode can feed several sizes (the analysis region, the report picture) without reading the bytes again.
 */
export async function resampleImage(image: RgbImage, options: ResampleOptions = {}): Promise<RgbImage> {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 }, limitInputPixels: false });
  if (options.region) {
    const left = Math.max(0, Math.min(image.width - 1, Math.round(options.region.left)));
    const top = Math.max(0, Math.min(image.height - 1, Math.round(options.region.top)));
    const right = Math.max(left + 1, Math.min(image.width, Math.round(options.region.left + options.region.width)));
    const bottom = Math.max(top + 1, Math.min(image.height, Math.round(options.region.top + options.region.height)));
    pipeline = pipeline.extract({ left, top, width: right - left, height: bottom - top });
  }
  const kernel = options.kernel ?? 'lanczos3';
  if (options.maxSide !== undefined) {
    pipeline = pipeline.resize({ width: options.maxSide, height: options.maxSide, fit: 'inside', withoutEnlargement: true, kernel });
  } else if (options.size) {
    pipeline = pipeline.resize({ width: options.size.width, height: options.size.height, fit: 'fill', kernel });
  }
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
