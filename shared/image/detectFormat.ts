/**
 * Image container detection by magic bytes (never by file name or declared content type).
 */

/** Formats drgrade decodes. */
/** `dicom`: a DICOM Part 10 file (128-byte preamble, then `DICM`), whose pixels are read by shared/dicom. */
export type SupportedFormat = 'jpeg' | 'png' | 'tiff' | 'webp' | 'dicom';

/** Formats recognised only to be refused with a precise message. */
export type RefusedFormat = 'gif' | 'svg' | 'pdf' | 'heif' | 'avif' | 'bmp' | 'jpeg2000' | 'jxl' | 'zip' | 'html';

/** Result of {@link detectFormat}. */
export type DetectedFormat =
  | { readonly supported: true; readonly format: SupportedFormat }
  | { readonly supported: false; readonly format: RefusedFormat | 'unknown' };

const startsWith = (b: Uint8Array, sig: readonly number[], offset = 0): boolean =>
  b.length >= offset + sig.length && sig.every((v, i) => b[offset + i] === v);

const ascii = (b: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...b.subarray(start, Math.min(end, b.length)));

/** Detects the container of `bytes` from its first bytes. */
export function detectFormat(bytes: Uint8Array): DetectedFormat {
  // First: the 128-byte preamble is free-form and may itself look like a TIFF or JPEG header.
  if (ascii(bytes, 128, 132) === 'DICM') return { supported: true, format: 'dicom' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { supported: true, format: 'jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { supported: true, format: 'png' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) ||
      startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b])) {
    return { supported: true, format: 'tiff' };
  }
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { supported: true, format: 'webp' };
  if (ascii(bytes, 0, 4) === 'GIF8') return { supported: false, format: 'gif' };
  if (ascii(bytes, 0, 5) === '%PDF-') return { supported: false, format: 'pdf' };
  if (ascii(bytes, 0, 2) === 'BM') return { supported: false, format: 'bmp' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { supported: false, format: 'zip' };
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return { supported: false, format: 'jxl' };
  if (startsWith(bytes, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) return { supported: false, format: 'jpeg2000' };
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    return { supported: false, format: brand.startsWith('avi') ? 'avif' : 'heif' };
  }
  const head = ascii(bytes, 0, 512).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return { supported: false, format: 'svg' };
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return { supported: false, format: 'html' };
  return { supported: false, format: 'unknown' };
}
