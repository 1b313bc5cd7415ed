import { createHash } from 'node:crypto';

/**
 * The storage contract in one place (docs/storage.md explains it):
 *
 * - incoming container (`fundus-incoming`): partners' photographs at any folder depth; never modified or deleted.
 * - results container (`fundus-results`): for a source `<path>`, `<path>.result.json`, `<path>.annotated.png`,
 *   `<path>.enhanced.png`, `<path>.report.html`, `<path>.fhir.json` (FHIR R4 Bundle). A set is complete when `<path>.result.json` exists: it is
 *   written last and conditionally, and every output carries the source version in its metadata.
 * - poison container (`fundus-poison`), the control container: `dead-letter/<sha256>.json` (replayable records),
 *   `attempts/<sha256>.json` (failed tries of the current version), `locks/<sha256>` (one lease per source path).
 *   Control blobs are named by the SHA-256 of the source path so that listing them reveals no names.
 *
 * Names that cannot be mirrored safely (dot segments, backslashes, control characters, too long once suffixed)
 * get their single result at `_unsafe-names/<sha256>.result.json` in the results container.
 */
export const containerLayout = Object.freeze({
  /** Suffixes appended to the source path in the results container. */
  suffixes: Object.freeze({ result: '.result.json', annotated: '.annotated.png', enhanced: '.enhanced.png', report: '.report.html', fhir: '.fhir.json' } as const),
  /** Azure's limit on a blob name, in characters. */
  maxBlobNameLength: 1024,
  /** Prefix, in the results container, of the results of names that cannot be mirrored. */
  unsafeNamesPrefix: '_unsafe-names/',
  /** Metadata keys (C# identifiers, as blob metadata requires) on every output. */
  metadata: Object.freeze({ sourceEtag: 'drgrade_source_etag', sourceSha256: 'drgrade_source_sha256', status: 'drgrade_status' }),
  isSafeSourceName,
  outputNames,
  lockName: (sourceName: string): string => `locks/${sha256Hex(sourceName)}`,
  attemptsName: (sourceName: string): string => `attempts/${sha256Hex(sourceName)}.json`,
  deadLetterName: (sourceName: string): string => `dead-letter/${sha256Hex(sourceName)}.json`,
  /** Prefix under which {@link containerLayout.deadLetterName} records live. */
  deadLetterPrefix: 'dead-letter/',
});

/** Names of one source's outputs in the results container. */
export interface OutputNames {
  readonly result: string;
  readonly annotated: string;
  readonly enhanced: string;
  readonly report: string;
  readonly fhir: string;
}

const longestSuffix = '.annotated.png'.length;

/**
 * True when `name` can be mirrored into the results container without changing meaning: SDK clients resolve
 * `.` and `..` segments in the URL path (a name `../other/x` would address another container), storage turns `\`
 * into `/`, and control characters or unpaired surrogates cannot be put in a URL.
 */
function isSafeSourceName(name: string): boolean {
  if (name.length === 0 || name.length + longestSuffix > 1024) return false;
  if (name.includes('\\') || name.endsWith('/')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return false;
  if (name.split('/').some((segment) => segment === '.' || segment === '..')) return false;
  try {
    encodeURIComponent(name);
  } catch {
    return false;
  }
  return true;
}

function outputNames(sourceName: string): OutputNames {
  const base = isSafeSourceName(sourceName) ? sourceName : `_unsafe-names/${sha256Hex(sourceName)}`;
  return {
    result: `${base}.result.json`,
    annotated: `${base}.annotated.png`,
    enhanced: `${base}.enhanced.png`,
    report: `${base}.report.html`,
    fhir: `${base}.fhir.json`,
  };
}

function sha256Hex(value: string): string {
  // UTF-16 code units, not UTF-8: two names differing only in unpaired surrogates must not share control blobs.
  return createHash('sha256').update(Buffer.from(value, 'utf16le')).digest('hex');
}
