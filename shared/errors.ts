/**
 * The whole error model of drgrade. Every failure a user can see is a {@link DrgradeError} with a stable
 * `code`; the catalogue below is the one place that maps a code to its HTTP status and whether retrying can help.
 */

/** Catalogue of stable error codes: HTTP status, transient (retrying may succeed) and a short title. */
export const errorCatalog = {
  // Input (permanent)
  EMPTY_INPUT: { status: 400, transient: false, title: 'Empty input' },
  INPUT_TOO_LARGE: { status: 413, transient: false, title: 'Input too large' },
  UNSUPPORTED_FORMAT: { status: 415, transient: false, title: 'Unsupported image format' },
  CORRUPT_IMAGE: { status: 400, transient: false, title: 'Corrupt or undecodable image' },
  PIXEL_LIMIT_EXCEEDED: { status: 413, transient: false, title: 'Image has too many pixels' },
  IMAGE_TOO_SMALL: { status: 400, transient: false, title: 'Image too small' },
  INVALID_ARGUMENT: { status: 400, transient: false, title: 'Invalid argument' },
  NOT_FOUND: { status: 404, transient: false, title: 'Not found' },
  // DICOM input (permanent); every code starts with DICOM_
  DICOM_MALFORMED: { status: 400, transient: false, title: 'Malformed DICOM file' },
  DICOM_UNSUPPORTED_SOP_CLASS: { status: 415, transient: false, title: 'Unsupported DICOM SOP class' },
  DICOM_UNSUPPORTED_TRANSFER_SYNTAX: { status: 415, transient: false, title: 'Unsupported DICOM transfer syntax' },
  DICOM_UNSUPPORTED_PIXEL_FORMAT: { status: 415, transient: false, title: 'Unsupported DICOM pixel format' },
  DICOM_NO_PIXEL_DATA: { status: 400, transient: false, title: 'DICOM file without pixel data' },
  // Model contract (permanent)
  MODEL_NOT_FOUND: { status: 500, transient: false, title: 'Model not found' },
  MODEL_MANIFEST_INVALID: { status: 500, transient: false, title: 'Model manifest invalid' },
  MODEL_CHECKSUM_MISMATCH: { status: 500, transient: false, title: 'Model checksum mismatch' },
  MODEL_INPUT_MISMATCH: { status: 500, transient: false, title: 'Model input does not match manifest' },
  MODEL_OUTPUT_MISMATCH: { status: 500, transient: false, title: 'Model output does not match manifest' },
  EXECUTION_PROVIDER_UNAVAILABLE: { status: 500, transient: false, title: 'Execution provider unavailable' },
  // Inference service
  INFERENCE_UNAVAILABLE: { status: 503, transient: true, title: 'Inference unavailable' },
  INFERENCE_TIMEOUT: { status: 503, transient: true, title: 'Inference timed out' },
  INFERENCE_OVERLOADED: { status: 503, transient: true, title: 'Inference overloaded' },
  INFERENCE_BAD_RESPONSE: { status: 502, transient: true, title: 'Inference returned a malformed response' },
  INFERENCE_REJECTED: { status: 502, transient: false, title: 'Inference rejected the request' },
  CIRCUIT_OPEN: { status: 503, transient: true, title: 'Inference circuit open' },
  // Storage
  STORAGE_TRANSIENT: { status: 503, transient: true, title: 'Storage temporarily unavailable' },
  STORAGE_FAILED: { status: 500, transient: false, title: 'Storage operation failed' },
  // Load
  SERVICE_OVERLOADED: { status: 503, transient: true, title: 'Service overloaded' },
  // Time
  DEADLINE_EXCEEDED: { status: 504, transient: true, title: 'Deadline exceeded' },
  INTERNAL: { status: 500, transient: false, title: 'Internal error' },
} as const satisfies Record<string, { status: number; transient: boolean; title: string }>;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof errorCatalog;

/** Options of {@link DrgradeError}. */
export interface DrgradeErrorOptions {
  /** The underlying error, kept for diagnostics (never shown to API clients). */
  cause?: unknown;
  /** Structured context safe to log (no identifiers, no patient data). */
  details?: Record<string, unknown>;
  /** Overrides the catalogue's transient flag. */
  transient?: boolean;
  /** Overrides the catalogue's HTTP status. */
  status?: number;
}

/** A typed drgrade error: `code` is stable, `message` says what was expected and what was received. */
export class DrgradeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly transient: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: DrgradeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DrgradeError';
    this.code = code;
    this.status = options.status ?? errorCatalog[code].status;
    this.transient = options.transient ?? errorCatalog[code].transient;
    this.details = options.details ?? {};
  }
}

/** True when `value` is a {@link DrgradeError}, optionally with the given code. */
export function isDrgradeError(value: unknown, code?: ErrorCode): value is DrgradeError {
  return value instanceof DrgradeError && (code === undefined || value.code === code);
}

/** Wraps anything thrown into a {@link DrgradeError} (unknown errors become `INTERNAL`). */
export function toDrgradeError(value: unknown): DrgradeError {
  if (value instanceof DrgradeError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new DrgradeError('INTERNAL', message, { cause: value });
}

/** Builds the `Expected <what> for <name> but received <value>` message used across the project. */
export function invalidArgument(name: string, expected: string, received: unknown): DrgradeError {
  return new DrgradeError('INVALID_ARGUMENT', `Expected ${expected} for ${name} but received ${describe(received)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}
