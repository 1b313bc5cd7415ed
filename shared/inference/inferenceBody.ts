import { DrgradeError, type ErrorCode } from '../errors.js';

/** A body split into its JSON part and the binary tensor section that follows it. */
export interface DecodedInferenceBody {
  readonly json: unknown;
  /** Concatenated binary tensor data (empty without the binary extension). */
  readonly binary: Buffer;
}

/**
 * Splits and parses an Open Inference Protocol body. With the binary tensor data extension the
 * `Inference-Header-Content-Length` header gives the JSON part's byte length and the tensors follow it;
 * without the header the whole body is JSON. Failures throw `code` (the server uses `INVALID_ARGUMENT`, the
 * client `INFERENCE_BAD_RESPONSE`), naming what was expected.
 */
export function decodeInferenceBody(body: Buffer, headerContentLength: string | undefined, code: ErrorCode): DecodedInferenceBody {
  let jsonLength = body.length;
  if (headerContentLength !== undefined) {
    const n = Number(headerContentLength);
    if (!/^\d+$/.test(headerContentLength.trim()) || n > body.length) {
      throw new DrgradeError(code, `Expected an integer from 0 to ${body.length} (the body length) for Inference-Header-Content-Length but received ${JSON.stringify(headerContentLength)}`);
    }
    jsonLength = n;
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8', 0, jsonLength));
  } catch (error) {
    throw new DrgradeError(code, `Expected a JSON object for the body's JSON part but received text that does not parse (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DrgradeError(code, `Expected a JSON object for the body's JSON part but received ${Array.isArray(json) ? 'an array' : String(json)}`);
  }
  return { json, binary: body.subarray(jsonLength) };
}

/** An encoded body and, when it carries binary tensors, the value of `Inference-Header-Content-Length`. */
export interface EncodedInferenceBody {
  readonly body: Buffer;
  readonly headerContentLength: number | undefined;
}

/** An encoded body in parts (the JSON head, then each tensor's bytes), to be written without joining them. */
export interface EncodedInferenceParts {
  readonly parts: readonly Uint8Array[];
  readonly length: number;
  readonly headerContentLength: number | undefined;
}

/**
 * Serialises a JSON object followed by binary tensor chunks (in the order their entries appear in the JSON), as
 * parts. With binary chunks the JSON is padded with spaces to a multiple of 8 bytes (JSON allows trailing
 * whitespace): the first tensor then starts 8-byte aligned in the receiver's buffer and can be read in place.
 */
export function encodeInferenceParts(json: object, chunks: readonly Uint8Array[]): EncodedInferenceParts {
  const text = JSON.stringify(json);
  if (chunks.length === 0) {
    const head = Buffer.from(text, 'utf8');
    return { parts: [head], length: head.length, headerContentLength: undefined };
  }
  const bytes = Buffer.byteLength(text);
  const head = Buffer.from(text + ' '.repeat((8 - (bytes % 8)) % 8), 'utf8');
  return { parts: [head, ...chunks], length: chunks.reduce((n, c) => n + c.length, head.length), headerContentLength: head.length };
}

/** Serialises a JSON object followed by binary tensor chunks into one buffer (see {@link encodeInferenceParts}). */
export function encodeInferenceBody(json: object, chunks: readonly Uint8Array[]): EncodedInferenceBody {
  const { parts, length, headerContentLength } = encodeInferenceParts(json, chunks);
  return { body: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, length), headerContentLength };
}
