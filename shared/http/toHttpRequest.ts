import type { IncomingMessage } from 'node:http';
import azureFunctions, { type HttpRequest } from '@azure/functions';
import { DrgradeError } from '../errors.js';

// The package is CommonJS and Node's ESM loader does not see its classes as named exports.
const { HttpRequest: HttpRequestClass } = azureFunctions;

/** Options of {@link toHttpRequest}. */
export interface ToHttpRequestOptions {
  /** Origin the URL is built on, e.g. `http://127.0.0.1:7071`. */
  origin: string;
  /** Largest body read; beyond it the read stops with `INPUT_TOO_LARGE`. */
  maxBodyBytes: number;
}

/**
 * Turns a node:http request into the `HttpRequest` the Functions host would build (method, URL, headers, body
 * bytes), so local serving runs the very same handlers. The body is read under `maxBodyBytes`, checked against
 * `Content-Length` first, so an oversized upload is refused without buffering it.
 */
export async function toHttpRequest(req: IncomingMessage, options: ToHttpRequestOptions): Promise<HttpRequest> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', options.origin).href;
  if (method === 'GET' || method === 'HEAD') {
    req.resume();
    return new HttpRequestClass({ method, url, headers });
  }
  const declared = Number(headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > options.maxBodyBytes) {
    req.resume();
    throw new DrgradeError('INPUT_TOO_LARGE', `Expected at most ${options.maxBodyBytes} bytes for the request body but received a body of ${declared} bytes`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.byteLength;
    if (total > options.maxBodyBytes) {
      req.resume();
      throw new DrgradeError('INPUT_TOO_LARGE', `Expected at most ${options.maxBodyBytes} bytes for the request body but received more`);
    }
    chunks.push(buffer);
  }
  return new HttpRequestClass({ method, url, headers, body: { bytes: Buffer.concat(chunks) } });
}
