import type { HttpResponseInit } from '@azure/functions';
import { errorCatalog, toDrgradeError, type ErrorCode } from '../errors.js';

/** An RFC 9457 problem details object, extended with drgrade's stable `code`. */
export interface ProblemDetails {
  /** `urn:drgrade:problem:<code>`, one per catalogue code (docs/api.md lists them). */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** Identifies this occurrence (the invocation id), never the caller's data. */
  readonly instance?: string;
  readonly code: ErrorCode;
  /** True when the same request may succeed later. */
  readonly transient: boolean;
}

/** Options of {@link problemResponse}. */
export interface ProblemResponseOptions {
  /** URI of this occurrence, e.g. `urn:uuid:<invocation id>`. */
  instance?: string;
}

/** Seconds a client should wait before retrying a 503, by code: an open circuit stays open for a while. */
const retryAfterSeconds: Partial<Record<ErrorCode, number>> = { CIRCUIT_OPEN: 30, INFERENCE_OVERLOADED: 10 };

/** The problem `type` URI of a catalogue code. */
export function problemType(code: ErrorCode): string {
  return `urn:drgrade:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * Maps anything thrown to an `application/problem+json` response (RFC 9457): status, title and transience come from
 * `errorCatalog` via the error's code; 503 carries `Retry-After`. Messages of server-side faults (5xx that are not
 * transient) are replaced by the title, so internals never reach clients.
 */
export function problemResponse(error: unknown, options: ProblemResponseOptions = {}): HttpResponseInit {
  const e = toDrgradeError(error);
  const entry = errorCatalog[e.code];
  const hideDetail = e.status >= 500 && !e.transient;
  const body: ProblemDetails = {
    type: problemType(e.code),
    title: entry.title,
    status: e.status,
    detail: hideDetail ? entry.title : e.message,
    ...(options.instance ? { instance: options.instance } : {}),
    code: e.code,
    transient: e.transient,
  };
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'cache-control': 'no-store' };
  if (e.status === 503) {
    const hinted = typeof e.details.retryAfterMs === 'number' ? Math.ceil(e.details.retryAfterMs / 1000) : undefined;
    headers['retry-after'] = String(Math.max(1, hinted ?? retryAfterSeconds[e.code] ?? 5));
  }
  return { status: e.status, headers, body: JSON.stringify(body) };
}
