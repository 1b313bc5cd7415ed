import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../shared/image/RgbImage.js';

/** A patient name and a national-ID-like number planted in every metadata container of the test inputs. */
export const planted = { name: 'Zelda Quixote-Testpatient', id: 'NID-4711-0815-2342' } as const;

/** The planted strings as any container may store them: ASCII/UTF-8, UTF-16 big- and little-endian. */
const needles: readonly { label: string; bytes: Buffer }[] = Object.entries(planted).flatMap(([key, text]) => [
  { label: `${key} (utf-8)`, bytes: Buffer.from(text, 'utf8') },
  { label: `${key} (utf-16le)`, bytes: Buffer.from(text, 'utf16le') },
  { label: `${key} (utf-16be)`, bytes: Buffer.from(text, 'utf16le').swap16() },
]);

/** Which planted strings (and in which encoding) occur in `bytes`; also matches a case-changed name. */
export function findPlanted(bytes: Uint8Array | string): string[] {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = needles.filter((n) => buffer.includes(n.bytes)).map((n) => n.label);
  const lower = buffer.toString('latin1').toLowerCase();
  if (lower.includes(planted.name.toLowerCase()) && !found.includes('name (utf-8)')) found.push('name (other case)');
  if (lower.includes(planted.id.toLowerCase().replace(/-/g, '')) || lower.includes('4711-0815')) found.push('id (partial)');
  return [...new Set(found)];
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The chunk types of a PNG, in order (throws on a file that is not PNG). */
export function pngChunkTypes(png: Uint8Array): string[] {
  const b = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (b.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  const types: string[] = [];
  for (let at = 8; at + 8 <= b.length; ) {
    const length = b.readUInt32BE(at);
    types.push(b.toString('latin1', at + 4, at + 8));
    at += 12 + length;
  }
  return types;
}

/** PNG with tEXt (Author, Description) and iTXt (Comment, UTF-8, with a translated keyword) before IEND. */
function withPngText(png: Buffer): Buffer {
  const iend = png.length - 12;
  const text = pngChunk('tEXt', Buffer.from(`Author\0${planted.name}`, 'latin1'));
  const description = pngChunk('tEXt', Buffer.from(`Description\0Patient ID ${planted.id}`, 'latin1'));
  const itxt = pngChunk('iTXt', Buffer.concat([Buffer.from('Comment\0\0\0en\0Patient\0', 'latin1'), Buffer.from(`${planted.name} ${planted.id}`, 'utf8')]));
  return Buffer.concat([png.subarray(0, iend), text, description, itxt, png.subarray(iend)]);
}

/** JPEG with a COM segment (FF FE) right after SOI, as screening cameras write patient IDs. */
function withJpegComment(jpeg: Buffer): Buffer {
  const text = Buffer.from(`PatientName=${planted.name};PatientID=${planted.id}`, 'latin1');
  const head = Buffer.from([0xff, 0xfe, 0, 0]);
  head.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, text, jpeg.subarray(2)]);
}

/**
 * An ICC profile (libvips' sRGB) whose `desc` tag is replaced by an `mluc` record (UTF-16BE) carrying the planted
 * name and ID, appended at the end with the header's size updated and the profile ID cleared.
 */
async function iccWithDescription(): Promise<Buffer> {
  const probe = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).withIccProfile('srgb').jpeg().toBuffer();
  const icc = (await sharp(probe).metadata()).icc;
  if (!icc) throw new Error('libvips gave no sRGB profile');
  const text = Buffer.from(`${planted.name} ${planted.id}`, 'utf16le').swap16();
  const mluc = Buffer.alloc(28 + text.length);
  mluc.write('mluc', 0, 'latin1');
  mluc.writeUInt32BE(1, 8);
  mluc.writeUInt32BE(12, 12);
  mluc.write('enUS', 16, 'latin1');
  mluc.writeUInt32BE(text.length, 20);
  mluc.writeUInt32BE(28, 24);
  text.copy(mluc, 28);
  const base = Buffer.concat([icc, Buffer.alloc((4 - (icc.length % 4)) % 4)]);
  const profile = Buffer.concat([base, mluc]);
  const tags = profile.readUInt32BE(128);
  let patched = false;
  for (let i = 0; i < tags; i++) {
    const entry = 132 + 12 * i;
    if (profile.toString('latin1', entry, entry + 4) === 'desc') {
      profile.writeUInt32BE(base.length, entry + 4);
      profile.writeUInt32BE(mluc.length, entry + 8);
      patched = true;
    }
  }
  if (!patched) throw new Error('the sRGB profile has no desc tag');
  profile.writeUInt32BE(profile.length, 0);
  profile.fill(0, 84, 100);
  return profile;
}

/** A baseline uncompressed RGB TIFF written byte by byte, with ImageDescription, DocumentName and Artist tags. */
function tiffWithTags(image: RgbImage): Buffer {
  const ascii = (s: string) => Buffer.from(`${s}\0`, 'latin1');
  const description = ascii(`Fundus OD, patient ${planted.name}`);
  const documentName = ascii(planted.id);
  const artist = ascii(planted.name);
  type Entry = [tag: number, type: 2 | 3 | 4, count: number, value: number | Buffer];
  const entries: Entry[] = [
    [256, 4, 1, image.width],
    [257, 4, 1, image.height],
    [258, 3, 3, Buffer.from([8, 0, 8, 0, 8, 0])],
    [259, 3, 1, 1],
    [262, 3, 1, 2],
    [269, 2, documentName.length, documentName],
    [270, 2, description.length, description],
    [273, 4, 1, 0], // strip offset, patched below
    [277, 3, 1, 3],
    [278, 4, 1, image.height],
    [279, 4, 1, image.data.length],
    [284, 3, 1, 1],
    [315, 2, artist.length, artist],
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  let extraAt = 8 + ifdSize;
  const extras: Buffer[] = [];
  const ifd = Buffer.alloc(ifdSize);
  ifd.writeUInt16LE(entries.length, 0);
  const stripEntry = entries.findIndex(([tag]) => tag === 273);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 2 + i * 12;
    ifd.writeUInt16LE(tag, at);
    ifd.writeUInt16LE(type, at + 2);
    ifd.writeUInt32LE(count, at + 4);
    if (Buffer.isBuffer(value)) {
      ifd.writeUInt32LE(extraAt, at + 8);
      extras.push(value);
      extraAt += value.length + (value.length % 2);
      if (value.length % 2) extras.push(Buffer.alloc(1));
    } else if (type === 3) ifd.writeUInt16LE(value, at + 8);
    else ifd.writeUInt32LE(value, at + 8);
  });
  ifd.writeUInt32LE(extraAt, 2 + stripEntry * 12 + 8);
  const header = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  return Buffer.concat([header, ifd, ...extras, Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length)]);
}

/** One test photograph: a file name that carries nothing, its bytes, and the container the identifiers are in. */
export interface PlantedPhotograph {
  readonly fileName: string;
  readonly container: string;
  readonly bytes: Buffer;
}

/**
 * The same fundus photograph in each metadata container a partner's file may carry: EXIF (JPEG, PNG and WebP),
 * XMP, a JPEG COM segment, PNG tEXt and iTXt, an ICC profile description, and TIFF ASCII tags.
 */
export async function plantedPhotographs(image: RgbImage): Promise<PlantedPhotograph[]> {
  const raw = () => sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), { raw: { width: image.width, height: image.height, channels: 3 } });
  const exif = { IFD0: { Artist: planted.name, ImageDescription: `Patient ID ${planted.id}`, Copyright: planted.name }, IFD2: { UserComment: planted.id } };
  const xmp = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>${planted.name}</rdf:li></rdf:Seq></dc:creator><dc:identifier>${planted.id}</dc:identifier></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
  const dir = await mkdtemp(join(tmpdir(), 'drgrade-icc-'));
  try {
    const iccPath = join(dir, 'patient.icc');
    await writeFile(iccPath, await iccWithDescription());
    const [exifJpeg, xmpJpeg, plainJpeg, plainPng, iccJpeg, exifPng, exifWebp] = await Promise.all([
      raw().withExif(exif).jpeg().toBuffer(),
      raw().withXmp(xmp).jpeg().toBuffer(),
      raw().jpeg().toBuffer(),
      raw().png().toBuffer(),
      raw().withIccProfile(iccPath).jpeg().toBuffer(),
      raw().withExif(exif).withXmp(xmp).png().toBuffer(),
      raw().withExif(exif).withXmp(xmp).webp().toBuffer(),
    ]);
    return [
      { fileName: 'exif.jpg', container: 'EXIF in JPEG', bytes: exifJpeg },
      { fileName: 'xmp.jpg', container: 'XMP in JPEG', bytes: xmpJpeg },
      { fileName: 'comment.jpg', container: 'JPEG COM', bytes: withJpegComment(plainJpeg) },
      { fileName: 'text.png', container: 'PNG tEXt and iTXt', bytes: withPngText(plainPng) },
      { fileName: 'icc.jpg', container: 'ICC profile description', bytes: iccJpeg },
      { fileName: 'exif-xmp.png', container: 'EXIF and XMP in PNG', bytes: exifPng },
      { fileName: 'exif-xmp.webp', container: 'EXIF and XMP in WebP', bytes: exifWebp },
      { fileName: 'tags.tif', container: 'TIFF ImageDescription, DocumentName, Artist', bytes: tiffWithTags(image) },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every file under `dir` (recursively) with its bytes. */
export async function readTree(dir: string): Promise<{ path: string; bytes: Buffer }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((e) => e.isFile()).map(async (e) => ({ path: join(e.parentPath, e.name), bytes: await readFile(join(e.parentPath, e.name)) })));
}

/** The marker bytes of a JPEG's segments before the scan (e.g. 0xe0 APP0, 0xe1 APP1 EXIF/XMP, 0xfe COM). */
export function jpegMarkers(jpeg: Uint8Array): number[] {
  const b = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  if (b[0] !== 0xff || b[1] !== 0xd8) throw new Error('not a JPEG');
  const markers: number[] = [];
  for (let at = 2; at + 4 <= b.length && b[at] === 0xff; ) {
    const marker = b[at + 1]!;
    markers.push(marker);
    if (marker === 0xda) break;
    at += 2 + b.readUInt16BE(at + 2);
  }
  return markers;
}

/** Metadata-free encodings only: PNG chunks that carry no text, EXIF or profile; JPEG segments without APPn (n ≥ 1) or COM. */
export function metadataContainers(image: Uint8Array): string[] {
  if (image[0] === 0x89) return pngChunkTypes(image).filter((t) => !['IHDR', 'PLTE', 'IDAT', 'IEND', 'pHYs', 'sRGB', 'gAMA', 'cHRM', 'sBIT', 'bKGD', 'tRNS'].includes(t));
  return jpegMarkers(image)
    .filter((m) => (m >= 0xe1 && m <= 0xef) || m === 0xfe)
    .map((m) => `0xFF${m.toString(16).toUpperCase()}`);
}

/** The images embedded in an HTML page or a JSON text as base64 data URIs. */
export function embeddedImages(text: string): Buffer[] {
  return [...text.matchAll(/data:image\/(?:png|jpeg);base64,([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1]!, 'base64'));
}
