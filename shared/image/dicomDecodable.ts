import { DrgradeError } from '../errors.js';
import type { DicomFrame } from '../dicom/DicomFrame.js';
import { readDicom } from '../dicom/readDicom.js';
import { detectFormat } from './detectFormat.js';

/** What sharp is given for a DICOM file: the frame's JPEG bitstream, or raw interleaved 8-bit samples. */
export type DicomDecodable =
  | { readonly kind: 'jpeg'; readonly bytes: Uint8Array }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array; readonly width: number; readonly height: number; readonly channels: 1 | 3 };

/**
 * The DICOM hook of the image decoder: reads the file with shared/dicom (which refuses unsupported SOP classes and
 * transfer syntaxes with `DICOM_*` codes) and turns its first frame into input sharp decodes. MONOCHROME1 is
 * inverted and YBR_FULL converted to RGB (ITU-R BT.601 full range, as DICOM PS3.3 C.7.6.3.1.2 defines it).
 */
export function dicomDecodable(bytes: Uint8Array): DicomDecodable {
  const { frame } = readDicom(bytes);
  return frameDecodable(frame);
}

function frameDecodable(frame: DicomFrame): DicomDecodable {
  if (frame.encoding === 'jpeg') {
    const inner = detectFormat(frame.bytes);
    if (inner.format !== 'jpeg') {
      throw new DrgradeError('DICOM_MALFORMED', `Expected a JPEG bitstream in the encapsulated PixelData of a JPEG Baseline file but received ${inner.format === 'unknown' ? 'unrecognised bytes' : inner.format.toUpperCase()}`);
    }
    return { kind: 'jpeg', bytes: frame.bytes };
  }
  const { width, height, samplesPerPixel, photometricInterpretation: pi } = frame;
  let data = frame.data;
  if (pi === 'MONOCHROME1') data = data.map((v) => 255 - v);
  else if (pi === 'YBR_FULL') data = ybrFullToRgb(data);
  return { kind: 'raw', bytes: data, width, height, channels: samplesPerPixel };
}

function ybrFullToRgb(ybr: Uint8Array): Uint8Array {
  const out = new Uint8Array(ybr.length);
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  for (let i = 0; i < ybr.length; i += 3) {
    const y = ybr[i]!, cb = ybr[i + 1]! - 128, cr = ybr[i + 2]! - 128;
    out[i] = clamp(y + 1.402 * cr);
    out[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    out[i + 2] = clamp(y + 1.772 * cb);
  }
  return out;
}
