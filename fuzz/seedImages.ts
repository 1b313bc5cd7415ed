import sharp from 'sharp';
import { synthFundus } from '../shared/synth/synthFundus.js';

/**
 * A small corpus of valid photographs to mutate: a 96 × 72 synthetic fundus as JPEG (plain, EXIF-rotated, CMYK),
 * PNG (8-bit RGB, 16-bit, grey, RGBA), TIFF (LZW) and WebP, and one PNG whose header declares 60 000 × 60 000
 * pixels. `width` sets the fundus width (at least 86, so the height is at least 64).
 */
export async function seedImages(width = 96): Promise<Uint8Array[]> {
  const { image } = synthFundus({ seed: 15, width });
  const raw = () => sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), { raw: { width: image.width, height: image.height, channels: 3 } });
  const seeds = await Promise.all([
    raw().jpeg({ quality: 80 }).toBuffer(),
    raw().withMetadata({ orientation: 6 }).jpeg().toBuffer(),
    raw().toColourspace('cmyk').jpeg().toBuffer(),
    raw().png().toBuffer(),
    raw().toColourspace('rgb16').png().toBuffer(),
    raw().greyscale().png().toBuffer(),
    raw().ensureAlpha(0.5).png().toBuffer(),
    raw().tiff({ compression: 'lzw' }).toBuffer(),
    raw().webp({ quality: 70 }).toBuffer(),
  ]);
  const huge = Buffer.from(seeds[3]!);
  // IHDR width and height (big-endian, right after the 8-byte signature and the chunk's length and type).
  huge.writeUInt32BE(60_000, 16);
  huge.writeUInt32BE(60_000, 20);
  return [...seeds, huge].map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
}
