import { checkDicomSupport } from './checkDicomSupport.js';
import type { DicomFrame } from './DicomFrame.js';
import { extractFirstFrame } from './extractFirstFrame.js';
import type { DicomSource } from './DicomSource.js';
import { describeDicomSource } from './describeDicomSource.js';
import { parseDicom } from './parseDicom.js';

/** Options of {@link readDicom}. */
export interface ReadDicomOptions {
  /** Salt of the patient-identifier hash. @default '' (set `DRGRADE_IDENTIFIER_SALT` in any real deployment) */
  identifierSalt?: string;
}

/**
 * Reads a DICOM fundus photograph: what the result records about it (`source`, identifiers hashed) and its first
 * frame for the image decoder. Throws a `DICOM_*` {@link DrgradeError} for a malformed file, an unsupported SOP
 * class, transfer syntax or pixel format, or missing pixel data.
 */
export function readDicom(bytes: Uint8Array, options: ReadDicomOptions = {}): { source: DicomSource; frame: DicomFrame } {
  const parsed = parseDicom(bytes);
  const source = describeDicomSource(parsed, { identifierSalt: options.identifierSalt ?? '' });
  const encoding = checkDicomSupport(parsed);
  return { source, frame: extractFirstFrame(parsed, encoding) };
}

/** The DICOM facts of a file without checking support (for a rejected result); `null` when unreadable. */
export function readDicomSource(bytes: Uint8Array, options: ReadDicomOptions = {}): DicomSource | null {
  try {
    return describeDicomSource(parseDicom(bytes), { identifierSalt: options.identifierSalt ?? '' });
  } catch {
    return null;
  }
}
