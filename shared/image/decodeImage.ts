import sharp, { type Metadata } from 'sharp';
import { DrgradeError } from '../errors.js';
import type { RgbImage } from './RgbImage.js';
import type { DecodeCounter } from './DecodeCounter.js';
import { dicomDecodable } from './dicomDecodable.js';
import { detectFormat, type SupportedFormat } from './detectFormat.js';

/**
 * All decoding of untrusted image bytes happens here (sharp/libvips). Formats are detected by magic bytes;
 * EXIF orientation is applied; every bit depth and colour space ends as 8-bit sRGB RGB. A DICOM file is read by
 * shared/dicom and its first frame decoded here like any other image (see `dicomDecodable`).
 */

/** Limits applied before any pixel is decoded. */
export interface DecodeLimits {
  /** Largest accepted input in bytes. @default 33554432 (32 MiB) */
  maxImageBytes?: number;
  /** Largest accepted width × height (decompression-bomb guard). @default 40000000 */
  maxPixels?: number;
}

/** What {@link inspectImage} learns without decoding pixels. */
export interface ImageInfo {
  readonly format: SupportedFormat;
  /** Size after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** EXIF orientation tag (1 when absent). */
  readonly orientation: number;
}

/** Options of {@link decodeImage}. */
export interface DecodeOptions extends DecodeLimits {
  /** Region to keep, in oriented source pixels (clipped to the image). @default the whole image */
  region?: { left: number; top: number; width: number; height: number };
  /** Resize the (region of the) image so its larger side is at most this many pixels. @default no resize */
  maxSide?: number;
  /** Resize the region to exactly this size (ignored when `maxSide` is given). */
  size?: { width: number; height: number };
  /** sharp resize kernel. @default 'lanczos3' */
  kernel?: 'nearest' | 'linear' | 'cubic' | 'mitchell' | 'lanczos2' | 'lanczos3';
  /** Counts this decode (`decodes += 1`). */
  counter?: Pick<DecodeCounter, 'decodes'>;
}

const defaults = { maxImageBytes: 32 * 1024 * 1024, maxPixels: 40_000_000 } as const;

/** Checks format, byte and pixel limits and reads the oriented size; throws a typed error on any problem. */
export async function inspectImage(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<ImageInfo> {
  const maxImageBytes = limits.maxImageBytes ?? defaults.maxImageBytes;
  const maxPixels = limits.maxPixels ?? defaults.maxPixels;
  if (bytes.length === 0) throw new DrgradeError('EMPTY_INPUT', 'Expected image bytes for input but received an empty body');
  if (bytes.length > maxImageBytes) {
    throw new DrgradeError('INPUT_TOO_LARGE', `Expected at most ${maxImageBytes} bytes for input but received ${bytes.length}`);
  }
  const detected = detectFormat(bytes);
  if (!detected.supported) {
    throw new DrgradeError('UNSUPPORTED_FORMAT', `Expected a JPEG, PNG, TIFF, WebP or DICOM image for input but received ${detected.format === 'unknown' ? 'unrecognised bytes' : detected.format.toUpperCase()}`, { details: { format: detected.format } });
  }
  const source = sharpSource(bytes, detected.format);
  let meta: Metadata;
  try {
    meta = await sharp(source.input, { ...source.options, limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (error) {
    throw new DrgradeError('CORRUPT_IMAGE', `Expected a decodable ${detected.format.toUpperCase()} for input but its header could not be read`, { cause: error });
  }
  if (meta.format === 'heif' || meta.format === 'gif' || meta.format === 'svg' || meta.format === 'pdf') {
    throw new DrgradeError('UNSUPPORTED_FORMAT', `Expected a JPEG, PNG, TIFF or WebP image for input but received ${meta.format.toUpperCase()}`);
  }
  const rawWidth = meta.width ?? 0;
  const rawHeight = meta.height ?? 0;
  if (rawWidth <= 0 || rawHeight <= 0) throw new DrgradeError('CORRUPT_IMAGE', 'Expected positive image dimensions for input but the header declares none');
  if (rawWidth * rawHeight > maxPixels) {
    throw new DrgradeError('PIXEL_LIMIT_EXCEEDED', `Expected at most ${maxPixels} pixels for input but the header declares ${rawWidth}x${rawHeight}`);
  }
  const orientation = meta.orientation ?? 1;
  const swap = orientation >= 5 && orientation <= 8;
  return { format: detected.format, width: swap ? rawHeight : rawWidth, height: swap ? rawWidth : rawHeight, orientation };
}

/**
 * Decodes `bytes` to 8-bit sRGB RGB after the checks of {@link inspectImage}, optionally cropping a region and
 * resizing. Alpha is flattened onto black (the surround of a fundus photograph).
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<{ image: RgbImage; info: ImageInfo }> {
  const info = await inspectImage(bytes, options);
  if (options.counter) options.counter.decodes += 1;
  const maxPixels = options.maxPixels ?? defaults.maxPixels;
  const source = sharpSource(bytes, info.format);
  try {
    let pipeline = sharp(source.input, { ...source.options, limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true }).rotate();
    if (options.region) {
      const r = clipRegion(options.region, info.width, info.height);
      pipeline = pipeline.extract(r);
    }
    const kernel = options.kernel ?? 'lanczos3';
    if (options.maxSide !== undefined) {
      pipeline = pipeline.resize({ width: options.maxSide, height: options.maxSide, fit: 'inside', withoutEnlargement: true, kernel });
    } else if (options.size) {
      pipeline = pipeline.resize({ width: options.size.width, height: options.size.height, fit: 'fill', kernel });
    }
    const { data, info: out } = await pipeline
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (out.channels !== 3) throw new Error(`unexpected channel count ${out.channels}`);
    return { image: { width: out.width, height: out.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }, info };
  } catch (error) {
    if (error instanceof DrgradeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) {
      throw new DrgradeError('PIXEL_LIMIT_EXCEEDED', `Expected at most ${maxPixels} pixels for input but decoding exceeded the limit`, { cause: error });
    }
    throw new DrgradeError('CORRUPT_IMAGE', `Expected a complete ${info.format.toUpperCase()} for input but decoding failed (${firstLine(message)})`, { cause: error });
  }
}

/** What sharp reads for `bytes`: the bytes themselves, or for DICOM the first frame (JPEG or raw samples). */
function sharpSource(bytes: Uint8Array, format: SupportedFormat): { input: Uint8Array; options: { raw?: { width: number; height: number; channels: 1 | 3 } } } {
  if (format !== 'dicom') return { input: bytes, options: {} };
  const frame = dicomDecodable(bytes);
  return frame.kind === 'jpeg' ? { input: frame.bytes, options: {} } : { input: frame.bytes, options: { raw: { width: frame.width, height: frame.height, channels: frame.channels } } };
}

function clipRegion(region: NonNullable<DecodeOptions['region']>, width: number, height: number) {
  const left = Math.max(0, Math.min(width - 1, Math.round(region.left)));
  const top = Math.max(0, Math.min(height - 1, Math.round(region.top)));
  const right = Math.max(left + 1, Math.min(width, Math.round(region.left + region.width)));
  const bottom = Math.max(top + 1, Math.min(height, Math.round(region.top + region.height)));
  return { left, top, width: right - left, height: bottom - top };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').slice(0, 160);
}

/** Decodes a lesion/segmentation mask (PNG, TIFF…) to one 8-bit channel: non-zero = on. */
export async function decodeMask(bytes: Uint8Array, limits: DecodeLimits = {}): Promise<{ width: number; height: number; data: Uint8Array }> {
  const info = await inspectImage(bytes, limits);
  void info;
  try {
    const { data, info: out } = await sharp(bytes, { limitInputPixels: limits.maxPixels ?? defaults.maxPixels })
      .rotate()
      .extractChannel(0)
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { width: out.width, height: out.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    throw new DrgradeError('CORRUPT_IMAGE', `Expected a decodable mask for input but decoding failed (${firstLine(error instanceof Error ? error.message : String(error))})`, { cause: error });
  }
}
