import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { encodeJpeg } from '../../shared/image/encodeImage.js';
import { mulberry32 } from '../../shared/synth/mulberry32.js';
import { synthFundus } from '../../shared/synth/synthFundus.js';

/** One kind of bad input: a blob name and its bytes. */
export interface BadInput {
  readonly kind: string;
  readonly name: string;
  readonly bytes: Buffer;
  readonly contentType?: string;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A PNG whose header claims `width` × `height` but whose data is one tiny zlib stream: a decompression bomb. */
function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function noise(width: number, height: number, seed: number): Buffer {
  const random = mulberry32(seed);
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * 256);
  return data;
}

const raw = (data: Buffer, width: number, height: number, channels: 1 | 3 | 4 = 3) => sharp(data, { raw: { width, height, channels } });
const solid = (width: number, height: number, background: { r: number; g: number; b: number }) => sharp({ create: { width, height, channels: 3, background } });

/**
 * At least 30 kinds of bad input a partner could drop: not images, broken images, bombs, formats we refuse,
 * photographs that are not retinas, odd encodings of real fundus images, and hostile names.
 */
export async function badInputs(): Promise<BadInput[]> {
  const fundus = synthFundus({ seed: 5, width: 1024 }).image;
  const fundusJpeg = await encodeJpeg(fundus);
  const fundusSharp = () => raw(Buffer.from(fundus.data), fundus.width, fundus.height);
  const small = synthFundus({ seed: 6, width: 256 }).image;
  const smallJpeg = await encodeJpeg(small);
  const random = mulberry32(99);
  const randomBytes = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)));
  const corruptPng = Buffer.from(await fundusSharp().png().toBuffer());
  for (let i = 200; i < corruptPng.length - 200; i += 97) corruptPng[i] = corruptPng[i]! ^ 0x5a;

  const inputs: BadInput[] = [
    // Not images at all
    { kind: 'empty blob', name: 'bad/empty.jpg', bytes: Buffer.alloc(0) },
    { kind: 'random bytes', name: 'bad/random.jpg', bytes: randomBytes },
    { kind: 'plain text named .jpg', name: 'bad/text.jpg', bytes: Buffer.from('this is not a photograph\n'.repeat(50)), contentType: 'image/jpeg' },
    { kind: 'HTML page', name: 'bad/page.png', bytes: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>') },
    { kind: 'JSON document', name: 'bad/data.jpg', bytes: Buffer.from('{"status":"graded","grade":0}') },
    { kind: 'PDF', name: 'bad/scan.jpg', bytes: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF') },
    { kind: 'ZIP archive', name: 'bad/archive.jpg', bytes: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes]) },
    { kind: 'SVG with script', name: 'bad/vector.png', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
    // Broken images
    { kind: 'truncated JPEG (half)', name: 'bad/truncated-half.jpg', bytes: fundusJpeg.subarray(0, fundusJpeg.length >> 1) },
    { kind: 'JPEG header only', name: 'bad/header-only.jpg', bytes: fundusJpeg.subarray(0, 20) },
    { kind: 'truncated PNG', name: 'bad/truncated.png', bytes: (await fundusSharp().png().toBuffer()).subarray(0, 5000) },
    { kind: 'PNG signature only', name: 'bad/signature.png', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
    { kind: 'PNG with corrupted data', name: 'bad/corrupt.png', bytes: corruptPng },
    { kind: 'JPEG with a zip appended (polyglot)', name: 'bad/polyglot.jpg', bytes: Buffer.concat([smallJpeg, Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes]) },
    // Bombs and limits (the test settings cap pixels at 5 MP and bytes at 3 MiB)
    { kind: 'PNG decompression bomb (header claims 60000x60000)', name: 'bad/bomb.png', bytes: pngBomb(60_000, 60_000) },
    { kind: 'real image over the pixel limit', name: 'bad/huge.png', bytes: await solid(3000, 2000, { r: 10, g: 10, b: 10 }).png().toBuffer() },
    { kind: 'blob over the byte limit', name: 'bad/oversize.jpg', bytes: Buffer.concat([fundusJpeg, Buffer.alloc(3 * 1024 * 1024)]) },
    // Formats we refuse
    { kind: 'GIF', name: 'bad/animated.gif', bytes: await fundusSharp().resize(200).gif().toBuffer() },
    { kind: 'AVIF', name: 'bad/modern.avif', bytes: await fundusSharp().resize(200).avif().toBuffer() },
    { kind: 'BMP header', name: 'bad/bitmap.bmp', bytes: Buffer.concat([Buffer.from('BM'), randomBytes]) },
    // Images that are not gradable retinas
    { kind: 'tiny image (8x8)', name: 'bad/tiny.png', bytes: await solid(8, 8, { r: 120, g: 40, b: 20 }).png().toBuffer() },
    { kind: 'extreme aspect ratio (2000x12)', name: 'bad/strip.png', bytes: await solid(2000, 12, { r: 120, g: 40, b: 20 }).png().toBuffer() },
    { kind: 'solid black frame', name: 'bad/black.jpg', bytes: await solid(1024, 768, { r: 0, g: 0, b: 0 }).jpeg().toBuffer() },
    { kind: 'solid white frame', name: 'bad/white.jpg', bytes: await solid(1024, 768, { r: 255, g: 255, b: 255 }).jpeg().toBuffer() },
    { kind: 'pure noise photograph', name: 'bad/noise.png', bytes: await raw(noise(640, 480, 3), 640, 480).png().toBuffer() },
    { kind: 'horizontal gradient (not a retina)', name: 'bad/gradient.png', bytes: await raw(Buffer.from(Array.from({ length: 800 * 600 * 3 }, (_, i) => Math.floor(((i / 3) % 800) / 800 * 255))), 800, 600).png().toBuffer() },
    { kind: 'fundus blurred beyond use', name: 'bad/blurred.jpg', bytes: await fundusSharp().blur(40).jpeg().toBuffer() },
    { kind: 'fundus far too dark', name: 'bad/dark.jpg', bytes: await fundusSharp().linear(0.04, 0).jpeg().toBuffer() },
    // Odd encodings of a real-looking fundus
    { kind: 'grayscale PNG', name: 'odd/gray.png', bytes: await fundusSharp().greyscale().png().toBuffer() },
    { kind: '16-bit PNG', name: 'odd/deep.png', bytes: await fundusSharp().toColourspace('rgb16').png().toBuffer() },
    { kind: 'CMYK JPEG', name: 'odd/cmyk.jpg', bytes: await fundusSharp().toColourspace('cmyk').jpeg().toBuffer() },
    { kind: 'PNG with alpha', name: 'odd/alpha.png', bytes: await fundusSharp().ensureAlpha(0.5).png().toBuffer() },
    { kind: 'EXIF-rotated JPEG', name: 'odd/rotated.jpg', bytes: await fundusSharp().jpeg().withMetadata({ orientation: 6 }).toBuffer() },
    { kind: 'WebP', name: 'odd/fundus.webp', bytes: await fundusSharp().webp().toBuffer() },
    { kind: 'TIFF', name: 'odd/fundus.tiff', bytes: await fundusSharp().tiff().toBuffer() },
    { kind: 'PNG uploaded as image/jpeg', name: 'odd/lying-type.jpg', bytes: await fundusSharp().png().toBuffer(), contentType: 'image/jpeg' },
    // Hostile or unusual names (content: a small broken JPEG, so each costs little)
    { kind: 'name with spaces', name: 'names/left eye  final (1).jpg', bytes: fundusJpeg.subarray(0, 100) },
    { kind: 'unicode name (accents, CJK, emoji, RTL)', name: 'names/Zoë 眼底 👁 عين.jpg', bytes: fundusJpeg.subarray(0, 100) },
    { kind: 'URL-special characters', name: 'names/a?b#c%20d&e=f+g.jpg', bytes: fundusJpeg.subarray(0, 100) },
    { kind: 'very deep folders', name: `${Array.from({ length: 40 }, (_, i) => `d${i}`).join('/')}/deep.jpg`, bytes: fundusJpeg.subarray(0, 100) },
    { kind: 'long name that still fits', name: `names/${'x'.repeat(990)}.jpg`, bytes: fundusJpeg.subarray(0, 100) },
    { kind: 'name too long to mirror', name: `names/${'y'.repeat(1006)}.jpg`, bytes: fundusJpeg.subarray(0, 100) },
    { kind: 'name with a trailing dot', name: 'names/trailing.', bytes: fundusJpeg.subarray(0, 100) },
    { kind: 'name with doubled slashes', name: 'names//double//slash.jpg', bytes: fundusJpeg.subarray(0, 100) },
  ];
  return inputs;
}

/**
 * Names the SDK cannot address faithfully (dot segments resolve, so the first would read `escape-target.jpg` and
 * the second would write into the results container): delivered by the trigger, never uploadable as such.
 */
export const hostileNames = ['names/../escape-target.jpg', '../fundus-results/planted.jpg', 'names/./dot.jpg', 'names\\back\\slash.jpg'] as const;
