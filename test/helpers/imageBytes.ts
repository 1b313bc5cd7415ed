import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { synthFundus } from '../../shared/synth/synthFundus.js';
import type { RgbImage } from '../../shared/image/RgbImage.js';

/** Encodes an RGB image as JPEG bytes for tests. */
export async function jpegOf(image: RgbImage, quality = 92): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality }).toBuffer();
}

/** A synthetic fundus photograph as JPEG bytes plus its truth. */
export async function syntheticFundusJpeg(seed: number, options: { grade?: 0 | 1 | 2 | 3 | 4; width?: number; cutTopBottom?: boolean } = {}) {
  const s = synthFundus({ seed, ...options });
  return { bytes: await jpegOf(s.image), truth: s.truth, image: s.image };
}

/** An ordinary (non-retina) photograph: a daylight scene with sky, ground and a few objects, no dark surround. */
export async function ordinaryPhotoJpeg(width = 800, height = 600): Promise<Buffer> {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = (y * width + x) * 3;
    const sky = y < height * 0.55;
    const v = Math.sin(x * 0.05) * 20 + Math.cos(y * 0.07) * 15;
    data[i] = sky ? 110 + v : 70 + v;
    data[i + 1] = sky ? 160 + v : 120 + v;
    data[i + 2] = sky ? 220 + v : 60 + v;
    if ((x - width * 0.3) ** 2 + (y - height * 0.7) ** 2 < 2500) { data[i] = 200; data[i + 1] = 40; data[i + 2] = 40; }
  }
  return jpegOf({ width, height, data });
}

/** A 16-bit RGB PNG written by hand (big-endian samples, filter 0), independent of the decoder under test. */
export function png16(width: number, height: number, rgb16: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc(height * (1 + width * 6));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 6);
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb16(x, y);
      raw.writeUInt16BE(r, row + 1 + x * 6); raw.writeUInt16BE(g, row + 3 + x * 6); raw.writeUInt16BE(b, row + 5 + x * 6);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 16; ihdr[9] = 2;
  return Buffer.concat([pngSignature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4); len.writeUInt32BE(body.length);
  const tb = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(tb) >>> 0);
  return Buffer.concat([len, tb, crc]);
}

/** A PNG whose header declares `width` × `height` but whose data is tiny (decompression-bomb probe). */
export function hugeDeclaredPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([pngSignature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(1024))), pngChunk('IEND', Buffer.alloc(0))]);
}

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return c ^ 0xffffffff;
}
