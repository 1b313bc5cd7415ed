import { DrgradeError } from '../errors.js';
import type { DicomFrame, NativePhotometric } from './DicomFrame.js';
import { dicomNumber, dicomString, type ParsedDicom } from './parseDicom.js';

const nativePhotometrics: readonly NativePhotometric[] = ['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL'];

/**
 * Extracts the first frame's pixels of a checked DICOM image (see `checkDicomSupport`). A multi-frame image is
 * graded by its first frame; `numberOfFrames` says how many there were. Native pixel data must be 8 bits per
 * sample (Ophthalmic Photography **8 Bit**); anything else is `DICOM_UNSUPPORTED_PIXEL_FORMAT`.
 */
export function extractFirstFrame(parsed: ParsedDicom, encoding: 'native' | 'jpeg'): DicomFrame {
  const ds = parsed.dataset;
  const fragments = pixelFragments(ds.PixelData);
  if (fragments.length === 0 || fragments.every((f) => f.length === 0)) {
    throw new DrgradeError('DICOM_NO_PIXEL_DATA', 'Expected PixelData (7FE0,0010) in the DICOM data set but found none');
  }
  const numberOfFrames = Math.max(1, Math.floor(dicomNumber(ds, 'NumberOfFrames') ?? 1));
  if (encoding === 'jpeg') return { encoding, bytes: firstJpegFrame(fragments, numberOfFrames), numberOfFrames };

  const width = dicomNumber(ds, 'Columns') ?? 0;
  const height = dicomNumber(ds, 'Rows') ?? 0;
  const samples = dicomNumber(ds, 'SamplesPerPixel') ?? 1;
  const bits = dicomNumber(ds, 'BitsAllocated') ?? 0;
  const photometric = (dicomString(ds, 'PhotometricInterpretation') ?? '').toUpperCase();
  if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height))) {
    throw new DrgradeError('DICOM_MALFORMED', `Expected positive Rows and Columns in the DICOM data set but received ${height}x${width}`);
  }
  if (bits !== 8) throw new DrgradeError('DICOM_UNSUPPORTED_PIXEL_FORMAT', `Expected 8 for BitsAllocated but received ${bits}`);
  if (samples !== 1 && samples !== 3) throw new DrgradeError('DICOM_UNSUPPORTED_PIXEL_FORMAT', `Expected 1 or 3 for SamplesPerPixel but received ${samples}`);
  const known = nativePhotometrics.find((p) => p === photometric);
  if (!known || (samples === 1) !== known.startsWith('MONOCHROME')) {
    throw new DrgradeError('DICOM_UNSUPPORTED_PIXEL_FORMAT', `Expected ${samples === 1 ? 'MONOCHROME1 or MONOCHROME2' : 'RGB or YBR_FULL'} for PhotometricInterpretation of native pixel data but received ${photometric || 'none'}`);
  }
  const frameBytes = width * height * samples;
  const all = concat(fragments);
  if (all.length < frameBytes) {
    throw new DrgradeError('DICOM_MALFORMED', `Expected at least ${frameBytes} bytes of PixelData for a ${width}x${height}x${samples} frame but received ${all.length}`);
  }
  const first = all.subarray(0, frameBytes);
  const planar = samples === 3 && dicomNumber(ds, 'PlanarConfiguration') === 1;
  return { encoding, width, height, samplesPerPixel: samples, photometricInterpretation: known, data: planar ? interleave(first, width * height) : first, numberOfFrames };
}

function pixelFragments(value: unknown): Uint8Array[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const out: Uint8Array[] = [];
  for (const item of items.flat()) {
    if (item instanceof ArrayBuffer) out.push(new Uint8Array(item));
    else if (ArrayBuffer.isView(item)) out.push(new Uint8Array(item.buffer, item.byteOffset, item.byteLength));
  }
  return out;
}

/**
 * dcmjs returns one buffer per frame when the basic offset table is filled, and one per fragment when it is
 * empty; a frame then runs from a fragment that starts with a JPEG SOI marker to the next one.
 */
function firstJpegFrame(fragments: Uint8Array[], numberOfFrames: number): Uint8Array {
  if (numberOfFrames === 1) return concat(fragments);
  if (fragments.length === numberOfFrames) return fragments[0]!;
  const isSoi = (f: Uint8Array) => f[0] === 0xff && f[1] === 0xd8;
  let end = 1;
  while (end < fragments.length && !isSoi(fragments[end]!)) end++;
  return concat(fragments.slice(0, end));
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) { out.set(p, offset); offset += p.length; }
  return out;
}

function interleave(planes: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[i * 3] = planes[i]!;
    out[i * 3 + 1] = planes[pixels + i]!;
    out[i * 3 + 2] = planes[2 * pixels + i]!;
  }
  return out;
}
