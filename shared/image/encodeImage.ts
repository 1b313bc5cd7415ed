import sharp from 'sharp';
import type { RgbImage } from './RgbImage.js';

/** Encodes an RGB image as PNG. */
export async function encodePng(image: RgbImage, options: { compressionLevel?: number } = {}): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: options.compressionLevel ?? 6 })
    .toBuffer();
}

/** Encodes an RGB image as JPEG. @default quality 90 */
export async function encodeJpeg(image: RgbImage, options: { quality?: number } = {}): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality: options.quality ?? 90, mozjpeg: false })
    .toBuffer();
}

/** Resizes an RGB image with sharp (used for model-ready inputs and thumbnails). */
export async function resizeRgb(image: RgbImage, width: number, height: number, kernel: 'nearest' | 'linear' | 'cubic' | 'mitchell' | 'lanczos2' | 'lanczos3' = 'lanczos3'): Promise<RgbImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ width, height, fit: 'fill', kernel })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Encodes an 8-bit single-channel image (a mask or a probability map) as a grey PNG. */
export async function encodeGrey(image: { readonly width: number; readonly height: number; readonly data: Uint8Array }, options: { compressionLevel?: number } = {}): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: options.compressionLevel ?? 6 })
    .toBuffer();
}
