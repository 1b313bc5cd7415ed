/**
 * Counts work done on one photograph's bytes (passed in options, never global): `bytesRead` from storage and full
 * `decodes` of the encoded image. `bench blob` and the tests read it to show one read and one decode per blob.
 */
export interface DecodeCounter {
  /** Encoded images decoded to pixels (a header-only `inspectImage` is not a decode). */
  decodes: number;
  /** Bytes downloaded from storage. */
  bytesRead: number;
  /** Storage downloads of the photograph. */
  downloads: number;
}

/** A counter at zero. */
export function createDecodeCounter(): DecodeCounter {
  return { decodes: 0, bytesRead: 0, downloads: 0 };
}
