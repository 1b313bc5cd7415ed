import dcmjs, { type NaturalDataset } from 'dcmjs';
import { DrgradeError } from '../errors.js';

// dcmjs logs through loglevel to the console, and a warning may quote a tag's value: silenced, since the
// thrown errors carry what a caller needs and logs must never carry identifiers.
dcmjs.log.setLevel('silent');
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

/** A DICOM Part 10 file read by dcmjs: the file meta UIDs and the naturalised data set (keywords as fields). */
export interface ParsedDicom {
  readonly transferSyntaxUid: string;
  /** SOPClassUID of the data set, else MediaStorageSOPClassUID of the file meta. */
  readonly sopClassUid: string;
  readonly dataset: NaturalDataset;
}

/** True when `bytes` start like a DICOM Part 10 file: a 128-byte preamble, then `DICM`. */
export function hasDicomPreamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * Reads a DICOM Part 10 file with dcmjs (no pixel decoding). Throws `DICOM_MALFORMED` when the file cannot be
 * read or lacks a transfer syntax; the message never quotes a value from the file.
 */
export function parseDicom(bytes: Uint8Array): ParsedDicom {
  if (!hasDicomPreamble(bytes)) throw new DrgradeError('DICOM_MALFORMED', 'Expected a DICOM Part 10 file (128-byte preamble and DICM) for input but the marker is missing');
  let file;
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    file = dcmjs.data.DicomMessage.readFile(buffer);
  } catch (error) {
    throw new DrgradeError('DICOM_MALFORMED', 'Expected a readable DICOM Part 10 file for input but parsing failed', { cause: error });
  }
  const transferSyntaxUid = firstString(file.meta['00020010']?.Value);
  if (!transferSyntaxUid) throw new DrgradeError('DICOM_MALFORMED', 'Expected a TransferSyntaxUID (0002,0010) in the file meta information but found none');
  let dataset: NaturalDataset;
  try {
    dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
  } catch (error) {
    throw new DrgradeError('DICOM_MALFORMED', 'Expected a readable DICOM data set for input but its elements could not be interpreted', { cause: error });
  }
  const sopClassUid = dicomString(dataset, 'SOPClassUID') ?? firstString(file.meta['00020002']?.Value) ?? '';
  return { transferSyntaxUid: transferSyntaxUid.replace(/\0/g, '').trim(), sopClassUid, dataset };
}

/** The first value of a naturalised element as a trimmed string (`null` when absent or empty). */
export function dicomString(dataset: NaturalDataset, keyword: string): string | null {
  const value = dataset[keyword];
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'number') return String(first);
  if (typeof first !== 'string') return null;
  const s = first.replace(/\0/g, '').trim();
  return s === '' ? null : s;
}

/** The first value of a naturalised numeric element (`null` when absent or not a number). */
export function dicomNumber(dataset: NaturalDataset, keyword: string): number | null {
  const value = dataset[keyword];
  const first = Array.isArray(value) ? value[0] : value;
  const n = typeof first === 'number' ? first : typeof first === 'string' && first.trim() !== '' ? Number(first) : NaN;
  return Number.isFinite(n) ? n : null;
}

function firstString(values: unknown[] | undefined): string | null {
  const v = values?.[0];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}
