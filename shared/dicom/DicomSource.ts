/**
 * What a result records about a DICOM source (`source.dicom` in the result JSON). The UIDs are kept in clear:
 * a report must be filed against its study and series. The patient identifier is never kept, only its salted hash.
 */
export interface DicomSource {
  readonly sopClassUid: string;
  readonly transferSyntaxUid: string;
  /** ImageLaterality (0020,0062), else Laterality (0020,0060); `null` when absent, both eyes or unknown. */
  readonly laterality: 'left' | 'right' | null;
  readonly studyInstanceUid: string | null;
  readonly seriesInstanceUid: string | null;
  readonly sopInstanceUid: string | null;
  readonly manufacturer: string | null;
  /** ManufacturerModelName (0008,1090). */
  readonly model: string | null;
  /**
   * ISO 8601 acquisition time from AcquisitionDateTime, else AcquisitionDate/Time, ContentDate/Time or
   * StudyDate/Time; with the UTC offset when the file states one (TimezoneOffsetFromUTC or a DT suffix).
   */
  readonly acquisitionDateTime: string | null;
  /** Salted hash of PatientID (0010,0020) with its issuer; `null` when the file has none. */
  readonly patientIdHash: string | null;
}
