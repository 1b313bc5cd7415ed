/**
 * The part of dcmjs (which ships no type declarations) that drgrade uses: reading a Part 10 file into a tag
 * dictionary, naturalising it to keyword-named fields, and writing one (test fixtures are built with the same
 * library). Values stay `unknown` so every use is checked.
 */
declare module 'dcmjs' {
  /** A tag dictionary keyed by 8-hex-digit tags (`00100020`), as dcmjs reads and writes it. */
  export type DicomTagDictionary = Record<string, { vr: string; Value?: unknown[] }>;

  /** A naturalised data set: DICOM keywords as field names. */
  export type NaturalDataset = Record<string, unknown>;

  /** A Part 10 file: its file meta information and its data set. */
  export interface DicomDictInstance {
    meta: DicomTagDictionary;
    dict: DicomTagDictionary;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  /** Options of `DicomMessage.readFile`. */
  export interface ReadFileOptions {
    ignoreErrors?: boolean;
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }

  /** dcmjs's loglevel logger. */
  export interface DcmjsLogger {
    setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void;
  }

  const dcmjs: {
    data: {
      DicomDict: new (meta: DicomTagDictionary) => DicomDictInstance;
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: ReadFileOptions): DicomDictInstance };
      DicomMetaDictionary: {
        naturalizeDataset(dict: DicomTagDictionary): NaturalDataset;
        denaturalizeDataset(dataset: NaturalDataset): DicomTagDictionary;
      };
    };
    log: DcmjsLogger & { getLogger(name: string): DcmjsLogger };
  };
  export default dcmjs;
}
