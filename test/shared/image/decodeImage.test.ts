import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, inspectImage } from '../../../shared/image/decodeImage.js';
import { DrgradeError } from '../../../shared/errors.js';
import { hugeDeclaredPng, png16 } from '../../helpers/imageBytes.js';

const rgb = (w: number, h: number, fill: (x: number, y: number) => [number, number, number]) => {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(fill(x, y), (y * w + x) * 3);
  return sharp(data, { raw: { width: w, height: h, channels: 3 } });
};

async function codeOf(bytes: Uint8Array, limits = {}): Promise<string> {
  try {
    await decodeImage(bytes, limits);
    return 'OK';
  } catch (error) {
    expect(error).toBeInstanceOf(DrgradeError);
    return (error as DrgradeError).code;
  }
}

describe('decodeImage error matrix', () => {
  it('refuses empty input', async () => {
    expect(await codeOf(new Uint8Array())).toBe('EMPTY_INPUT');
  });
  it('refuses random bytes', async () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
    expect(await codeOf(bytes)).toBe('UNSUPPORTED_FORMAT');
  });
  it('refuses a truncated JPEG', async () => {
    const jpeg = await rgb(256, 256, (x, y) => [x, y, (x * y) & 255]).jpeg().toBuffer();
    expect(await codeOf(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).toBe('CORRUPT_IMAGE');
  });
  it('refuses SVG, GIF, PDF and HEIF by magic bytes', async () => {
    expect(await codeOf(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'))).toBe('UNSUPPORTED_FORMAT');
    expect(await codeOf(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'))).toBe('UNSUPPORTED_FORMAT');
    const gif = await rgb(16, 16, () => [200, 10, 10]).gif().toBuffer();
    expect(await codeOf(gif)).toBe('UNSUPPORTED_FORMAT');
    expect(await codeOf(Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'))).toBe('UNSUPPORTED_FORMAT');
    const heifHeader = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(64)]);
    expect(await codeOf(heifHeader)).toBe('UNSUPPORTED_FORMAT');
  });
  it('refuses a huge declared size before decoding (decompression bomb)', async () => {
    expect(await codeOf(hugeDeclaredPng(60000, 60000))).toBe('PIXEL_LIMIT_EXCEEDED');
  });
  it('refuses input over the byte limit', async () => {
    const png = await rgb(64, 64, () => [1, 2, 3]).png().toBuffer();
    expect(await codeOf(png, { maxImageBytes: 100 })).toBe('INPUT_TOO_LARGE');
  });
  it('decodes a 16-bit PNG to 8-bit RGB of the same colour', async () => {
    const png = png16(4, 2, () => [65535, 0, 32896]);
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    const { image } = await decodeImage(png);
    expect([...image.data.subarray(0, 3)]).toEqual([255, 0, 128]);
  });
  it('converts a CMYK JPEG to sRGB RGB', async () => {
    const cmyk = await rgb(32, 32, () => [200, 30, 30]).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const { image } = await decodeImage(cmyk);
    const [r, g, b] = image.data;
    expect(image.data.length).toBe(32 * 32 * 3);
    expect(r!).toBeGreaterThan(150);
    expect(g!).toBeLessThan(90);
    expect(b!).toBeLessThan(90);
  });
  it('expands greyscale to three equal channels', async () => {
    const grey = await sharp(Buffer.alloc(16 * 16, 77), { raw: { width: 16, height: 16, channels: 1 } }).png().toBuffer();
    const { image } = await decodeImage(grey);
    expect([...image.data.subarray(0, 6)]).toEqual([77, 77, 77, 77, 77, 77]);
  });
  it('flattens RGBA onto black', async () => {
    const rgba = Buffer.alloc(4 * 4 * 4);
    for (let i = 0; i < 16; i++) rgba.set([200, 100, 50, 0], i * 4);
    const png = await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } }).png().toBuffer();
    const { image } = await decodeImage(png);
    expect([...image.data.subarray(0, 3)]).toEqual([0, 0, 0]);
  });
  it('applies EXIF orientation (6 = rotate 90° clockwise)', async () => {
    // 40 × 20, left half red, right half blue.
    const jpeg = await rgb(40, 20, (x) => (x < 20 ? [255, 0, 0] : [0, 0, 255])).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const info = await inspectImage(jpeg);
    expect([info.width, info.height, info.orientation]).toEqual([20, 40, 6]);
    const { image } = await decodeImage(jpeg);
    expect([image.width, image.height]).toEqual([20, 40]);
    // After a clockwise turn the former left (red) half is on top.
    expect(image.data[(2 * 20 + 10) * 3]!).toBeGreaterThan(200);
    expect(image.data[(37 * 20 + 10) * 3 + 2]!).toBeGreaterThan(200);
  });
  it('accepts TIFF and WebP detected by content, not by name', async () => {
    const src = rgb(8, 8, () => [10, 200, 30]);
    for (const bytes of [await src.clone().tiff().toBuffer(), await src.clone().webp({ lossless: true }).toBuffer()]) {
      const { image, info } = await decodeImage(bytes);
      expect(['tiff', 'webp']).toContain(info.format);
      expect([...image.data.subarray(0, 3)]).toEqual([10, 200, 30]);
    }
  });
});
