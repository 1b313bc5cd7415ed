import type { DicomSource } from './DicomSource.js';
import { hashPatientId } from './hashPatientId.js';
import { dicomString, type ParsedDicom } from './parseDicom.js';

/** Options of {@link describeDicomSource}. */
export interface DescribeDicomSourceOptions {
  /** Salt of the patient-identifier hash (the `DRGRADE_IDENTIFIER_SALT` setting). */
  identifierSalt: string;
}

/** The facts a result keeps about a DICOM source; identifiers only as salted hashes. */
export function describeDicomSource(parsed: ParsedDicom, options: DescribeDicomSourceOptions): DicomSource {
  const ds = parsed.dataset;
  const patientId = dicomString(ds, 'PatientID');
  return {
    sopClassUid: parsed.sopClassUid,
    transferSyntaxUid: parsed.transferSyntaxUid,
    laterality: lateralityOf(dicomString(ds, 'ImageLaterality') ?? dicomString(ds, 'Laterality')),
    studyInstanceUid: dicomString(ds, 'StudyInstanceUID'),
    seriesInstanceUid: dicomString(ds, 'SeriesInstanceUID'),
    sopInstanceUid: dicomString(ds, 'SOPInstanceUID'),
    manufacturer: dicomString(ds, 'Manufacturer'),
    model: dicomString(ds, 'ManufacturerModelName'),
    acquisitionDateTime: acquisitionDateTimeOf(parsed),
    patientIdHash: patientId === null ? null : hashPatientId(patientId, options.identifierSalt, dicomString(ds, 'IssuerOfPatientID')),
  };
}

function lateralityOf(code: string | null): 'left' | 'right' | null {
  const c = code?.toUpperCase();
  return c === 'R' ? 'right' : c === 'L' ? 'left' : null;
}

/** DICOM DT/DA/TM to ISO 8601, keeping only what the file states (no invented time zone). */
function acquisitionDateTimeOf(parsed: ParsedDicom): string | null {
  const ds = parsed.dataset;
  const offset = dicomString(ds, 'TimezoneOffsetFromUTC');
  const dt = dicomString(ds, 'AcquisitionDateTime');
  if (dt) return dateTimeToIso(dt, offset);
  for (const [d, t] of [['AcquisitionDate', 'AcquisitionTime'], ['ContentDate', 'ContentTime'], ['StudyDate', 'StudyTime']] as const) {
    const date = dicomString(ds, d);
    if (date) return dateTimeToIso(`${date}${dicomString(ds, t) ?? ''}`, offset);
  }
  return null;
}

function dateTimeToIso(value: string, fallbackOffset: string | null): string | null {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?:?(\d{2})?:?(\d{2})?(\.\d{1,6})?([+-]\d{4})?$/.exec(value.replace(/\s/g, ''));
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  if (!mo || !d) return mo ? `${y}-${mo}` : `${y}`;
  let iso = `${y}-${mo}-${d}`;
  if (!h) return iso;
  iso += `T${h}:${mi ?? '00'}:${s ?? '00'}${frac ?? ''}`;
  const zone = tz ?? (fallbackOffset && /^[+-]\d{4}$/.test(fallbackOffset) ? fallbackOffset : null);
  return zone ? `${iso}${zone.slice(0, 3)}:${zone.slice(3)}` : iso;
}
