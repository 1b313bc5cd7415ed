import type { HttpRequest } from '@azure/functions';
import { DrgradeError, invalidArgument } from '../errors.js';
import { readBodyWithLimit } from './readBodyWithLimit.js';

/** A validated `POST /api/grade` request. */
export interface GradeRequest {
  /** The photograph's bytes (format is checked later, by magic bytes, by the decoder). */
  readonly bytes: Uint8Array;
  /** The declared media type of the photograph. */
  readonly mediaType: string;
  readonly options: {
    /** `?annotated=true`: include the annotated image as a PNG data URI. */
    readonly includeAnnotated: boolean;
    /** `?enhanced=true`: include the enhanced image as a PNG data URI. */
    readonly includeEnhanced: boolean;
    /** `?operatingPoint=<name>`: referable operating point. */
    readonly operatingPoint: string | undefined;
  };
}

/** Limits of {@link parseGradeRequest}. */
export interface GradeRequestLimits {
  /** Largest photograph in bytes. */
  readonly maxImageBytes: number;
  /** Room for multipart boundaries and part headers on top of the photograph. @default 65536 */
  readonly multipartOverheadBytes?: number;
}

/**
 * Parses the grade request: the body is the image (`Content-Type: image/*`), or `multipart/form-data` with exactly
 * one file part (parsed with the Web API `formData()`). Size is checked against `Content-Length` before reading and
 * while reading. Throws `DrgradeError`s that map to 400 / 413 / 415.
 */
export async function parseGradeRequest(request: HttpRequest, limits: GradeRequestLimits): Promise<GradeRequest> {
  const options = parseOptions(request.query);
  const contentType = request.headers.get('content-type')?.trim() ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  const isMultipart = mediaType === 'multipart/form-data';
  // DICOM is sent as application/dicom (PS3.18); the decoder recognises it by content like every format.
  if (!isMultipart && !mediaType.startsWith('image/') && mediaType !== 'application/dicom') {
    throw new DrgradeError('UNSUPPORTED_FORMAT', `Expected an image/* or multipart/form-data media type for Content-Type but received ${contentType ? JSON.stringify(contentType.slice(0, 80)) : 'none'}`);
  }
  const maxBodyBytes = limits.maxImageBytes + (isMultipart ? (limits.multipartOverheadBytes ?? 65_536) : 0);
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBodyBytes) {
    throw new DrgradeError('INPUT_TOO_LARGE', `Expected at most ${limits.maxImageBytes} bytes for the photograph but received a body of ${declared} bytes`);
  }

  if (!isMultipart) {
    const bytes = await readBodyWithLimit(request.body, maxBodyBytes);
    if (bytes.byteLength === 0) throw new DrgradeError('EMPTY_INPUT', 'Expected image bytes for the request body but received an empty body');
    return { bytes, mediaType, options };
  }

  let form: FormData;
  try {
    if (declared !== null) {
      form = await request.formData();
    } else {
      // No declared length (chunked): read under the cap first, then let the same Web API parse it.
      const body = await readBodyWithLimit(request.body, maxBodyBytes);
      form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    }
  } catch (error) {
    if (error instanceof DrgradeError) throw error;
    throw new DrgradeError('INVALID_ARGUMENT', 'Expected a well-formed multipart/form-data body for the request body but received one that could not be parsed', { cause: error });
  }
  const files: File[] = [];
  form.forEach((value) => {
    if (typeof value !== 'string') files.push(value);
  });
  if (files.length !== 1) throw invalidArgument('multipart body', 'exactly one file part', `${files.length} file parts`);
  const file = files[0]!;
  const fileType = file.type.split(';')[0]!.trim().toLowerCase();
  if (fileType !== '' && fileType !== 'application/octet-stream' && fileType !== 'application/dicom' && !fileType.startsWith('image/')) {
    throw new DrgradeError('UNSUPPORTED_FORMAT', `Expected an image/* media type for the file part but received ${JSON.stringify(fileType.slice(0, 80))}`);
  }
  if (file.size > limits.maxImageBytes) {
    throw new DrgradeError('INPUT_TOO_LARGE', `Expected at most ${limits.maxImageBytes} bytes for the photograph but received ${file.size}`);
  }
  if (file.size === 0) throw new DrgradeError('EMPTY_INPUT', 'Expected image bytes for the file part but received an empty file');
  return { bytes: new Uint8Array(await file.arrayBuffer()), mediaType: fileType || 'application/octet-stream', options };
}

function parseOptions(query: URLSearchParams): GradeRequest['options'] {
  const flag = (name: string): boolean => {
    const value = query.get(name);
    if (value === null || value === 'false' || value === '0') return false;
    if (value === '' || value === 'true' || value === '1') return true;
    throw invalidArgument(`query parameter ${name}`, "'true' or 'false'", value);
  };
  const operatingPoint = query.get('operatingPoint') ?? undefined;
  if (operatingPoint !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(operatingPoint)) {
    throw invalidArgument('query parameter operatingPoint', 'an operating point name (letters, digits, _ . -)', operatingPoint);
  }
  return { includeAnnotated: flag('annotated'), includeEnhanced: flag('enhanced'), operatingPoint };
}
