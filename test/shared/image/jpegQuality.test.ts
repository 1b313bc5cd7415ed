import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { estimateJpegQuality } from '../../../shared/image/jpegQuality.js';

const texture = () => {
  const w = 64, h = 48, data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([(x * 7 + y * 3) & 255, (x * y) & 255, 128], (y * w + x) * 3);
  return sharp(data, { raw: { width: w, height: h, channels: 3 } });
};

describe('estimateJpegQuality', () => {
  it('reads back the quality libjpeg wrote, from the quantisation table alone', async () => {
    for (const quality of [20, 35, 50, 65, 80, 90]) {
      const bytes = await texture().jpeg({ quality, mozjpeg: false }).toBuffer();
      const q = estimateJpegQuality(bytes)!;
      // Integer rounding of the scaled table moves the estimate by well under one quality step.
      expect(Math.abs(q - quality), `quality ${quality} read as ${q}`).toBeLessThan(1);
    }
  });

  it('finds the table after other segments (EXIF) and with a progressive encoding', async () => {
    const bytes = await texture().withMetadata({ exif: { IFD0: { Copyright: 'test' } } }).jpeg({ quality: 50, progressive: true }).toBuffer();
    expect(bytes.indexOf(Buffer.from([0xff, 0xe1]))).toBeGreaterThan(0);
    expect(Math.round(estimateJpegQuality(bytes)!)).toBe(50);
  });

  it('is null for other formats, truncated headers and malformed segments, and never throws', async () => {
    expect(estimateJpegQuality(await texture().png().toBuffer())).toBeNull();
    const jpeg = await texture().jpeg({ quality: 50 }).toBuffer();
    const dqt = jpeg.indexOf(Buffer.from([0xff, 0xdb]));
    expect(estimateJpegQuality(jpeg.subarray(0, dqt + 10))).toBeNull();
    const broken = Buffer.from(jpeg);
    broken[dqt + 2] = 0xff; broken[dqt + 3] = 0xff; // a length past the end
    expect(estimateJpegQuality(broken)).toBeNull();
    expect(estimateJpegQuality(new Uint8Array(0))).toBeNull();
    expect(estimateJpegQuality(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
  });
});
