import dcmjs from 'dcmjs';
import { encodeJpeg } from '../image/encodeImage.js';
import type { RgbImage } from '../image/RgbImage.js';

/** Transfer syntaxes by short name: the supported ones and two refused ones, for test and demo files. */
export const syntaxUids = {
  explicit: '1.2.840.10008.1.2.1',
  implicit: '1.2.840.10008.1.2',
  jpeg: '1.2.840.10008.1.2.4.50',
  jpeg2000: '1.2.840.10008.1.2.4.90',
  bigEndian: '1.2.840.10008.1.2.2',
} as const;

/** SOP classes by short name: the accepted ones and a wrong one (CT), for test and demo files. */
export const sopClassUids = {
  ophthalmic8: '1.2.840.10008.5.1.4.1.1.77.1.5.1',
  vlPhotographic: '1.2.840.10008.5.1.4.1.1.77.1.4',
  secondaryCapture: '1.2.840.10008.5.1.4.1.1.7',
  ct: '1.2.840.10008.5.1.4.1.1.2',
} as const;

/** What a synthetic DICOM file holds. */
export interface SynthDicomOptions {
  /** @default 'explicit' */
  syntax?: keyof typeof syntaxUids;
  /** @default 'ophthalmic8' */
  sopClass?: keyof typeof sopClassUids;
  /** ImageLaterality; `null` leaves it (and Laterality) out. @default 'R' */
  imageLaterality?: 'R' | 'L' | 'B' | null;
  /** Series-level Laterality (0020,0060). @default absent */
  laterality?: 'R' | 'L';
  /** Frames; every frame is the same image. @default 1 */
  frames?: number;
  /** @default 'PAT-000123' */
  patientId?: string;
  /** @default 'Doe^Jane' */
  patientName?: string;
  /** @default '1.2.826.0.1.3680043.10.1.1' */
  studyInstanceUid?: string;
  /** @default study + '.1' */
  seriesInstanceUid?: string;
  /** @default series + '.1' */
  sopInstanceUid?: string;
  /** @default 'Acme Optics' */
  manufacturer?: string;
  /** @default 'FundusCam 9' */
  model?: string;
  /** @default '20240315093012' */
  acquisitionDateTime?: string | null;
  /** Native pixel layout. @default 0 (interleaved) */
  planarConfiguration?: 0 | 1;
  /** Modality. @default 'OP' */
  modality?: string;
  /** BodyPartExamined. @default absent */
  bodyPart?: string;
  /** Leaves PixelData out. @default false */
  noPixelData?: boolean;
}

/**
 * Writes a DICOM Part 10 file of `image` with dcmjs (the library drgrade reads with). No public Ophthalmic
 * Photography sample with an open licence exists, so tests and the demo build every supported and refused kind
 * from our own synthetic photographs. The identifiers are made up; a file built here is a drawing, not a patient.
 */
export async function synthDicom(image: RgbImage, options: SynthDicomOptions = {}): Promise<Uint8Array> {
  const syntax = syntaxUids[options.syntax ?? 'explicit'];
  const sopClassUid = sopClassUids[options.sopClass ?? 'ophthalmic8'];
  const frames = options.frames ?? 1;
  const study = options.studyInstanceUid ?? '1.2.826.0.1.3680043.10.1.1';
  const series = options.seriesInstanceUid ?? `${study}.1`;
  const instance = options.sopInstanceUid ?? `${series}.1`;
  const encapsulated = syntax !== syntaxUids.explicit && syntax !== syntaxUids.implicit && syntax !== syntaxUids.bigEndian;
  let pixelData: ArrayBuffer[];
  let photometric = 'RGB';
  if (encapsulated) {
    const jpeg = await encodeJpeg(image, { quality: 92 });
    pixelData = Array.from({ length: frames }, () => toArrayBuffer(jpeg));
    photometric = 'YBR_FULL_422';
  } else {
    const one = options.planarConfiguration === 1 ? toPlanar(image) : image.data;
    const all = new Uint8Array(one.length * frames + ((one.length * frames) & 1));
    for (let f = 0; f < frames; f++) all.set(one, f * one.length);
    pixelData = [toArrayBuffer(all)];
  }
  const dataset: Record<string, unknown> = {
    SOPClassUID: sopClassUid,
    SOPInstanceUID: instance,
    StudyInstanceUID: study,
    SeriesInstanceUID: series,
    Modality: options.modality ?? 'OP',
    PatientID: options.patientId ?? 'PAT-000123',
    PatientName: options.patientName ?? 'Doe^Jane',
    Manufacturer: options.manufacturer ?? 'Acme Optics',
    ManufacturerModelName: options.model ?? 'FundusCam 9',
    Rows: image.height,
    Columns: image.width,
    SamplesPerPixel: 3,
    PhotometricInterpretation: photometric,
    PlanarConfiguration: options.planarConfiguration ?? 0,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    NumberOfFrames: String(frames),
    _vrMap: { PixelData: 'OB' },
  };
  if (!options.noPixelData) dataset.PixelData = pixelData;
  const lat = options.imageLaterality === undefined ? 'R' : options.imageLaterality;
  if (lat !== null) dataset.ImageLaterality = lat;
  if (options.bodyPart) dataset.BodyPartExamined = options.bodyPart;
  if (options.laterality) dataset.Laterality = options.laterality;
  const acquired = options.acquisitionDateTime === undefined ? '20240315093012' : options.acquisitionDateTime;
  if (acquired !== null) dataset.AcquisitionDateTime = acquired;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: instance,
    TransferSyntaxUID: syntax,
    ImplementationClassUID: '1.2.826.0.1.3680043.10.1',
  };
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const file = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  file.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(file.write());
}

function toPlanar(image: RgbImage): Uint8Array {
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = image.data[i * 3 + c]!;
  return out;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
