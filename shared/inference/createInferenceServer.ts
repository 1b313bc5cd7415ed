import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DrgradeError, toDrgradeError } from '../errors.js';
import { decodeInferenceBody } from './inferenceBody.js';
import type { InferenceDataPlane } from './InferenceDataPlane.js';
import type { InferenceMetrics } from './InferenceMetrics.js';
import { isAuthorized } from './isAuthorized.js';
import { inferenceHeaderContentLength } from './protocol.js';

/** Options of {@link createInferenceServer}. */
export interface InferenceServerOptions {
  readonly dataPlane: InferenceDataPlane;
  readonly metrics: InferenceMetrics;
  /**
   * Bearer key required on every route except the health probes (which orchestrators call without one);
   * `undefined` turns authentication off, for local runs with `--no-auth` only.
   */
  readonly inferenceKey: string | undefined;
  /** Largest request body; a larger one is answered 413. @default 67108864 (64 MiB) */
  readonly maxBodyBytes?: number;
  /** `Retry-After` seconds sent with 503 answers. @default 1 */
  readonly retryAfterSeconds?: number;
  /** Receives one structured entry per request (route template, status, duration; never bodies, ids or keys). */
  readonly log?: (entry: Record<string, unknown>) => void;
}

type Route =
  | { kind: 'live' | 'ready' | 'server' | 'metrics' }
  | { kind: 'model' | 'modelReady' | 'infer'; name: string; version: string | undefined };

const modelPath = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(?:\/(ready|infer))?$/;

/**
 * The Open Inference Protocol REST server on node:http: `GET /v2/health/live`, `GET /v2/health/ready`, `GET /v2`,
 * `GET /v2/models/{name}[/versions/{v}]`, `GET .../ready`, `POST .../infer` (JSON and the binary tensor data
 * extension) and `GET /metrics`. Routes only parse HTTP; the data plane does the protocol. Every error is
 * `{"error": "..."}` with the error's status; 503 answers carry `Retry-After`. The caller listens.
 */
export function createInferenceServer(options: InferenceServerOptions): Server {
  const { dataPlane, metrics, inferenceKey, log } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const retryAfter = String(options.retryAfterSeconds ?? 1);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const route = matchRoute(req.url ?? '/');
    const routeName = route === undefined ? 'unknown' : route.kind;
    try {
      if (route === undefined) throw new DrgradeError('NOT_FOUND', `Expected an Open Inference Protocol path for the URL but received ${JSON.stringify(pathOf(req.url ?? '/'))}`);
      const method = route.kind === 'infer' ? 'POST' : 'GET';
      if (req.method !== method) {
        res.setHeader('Allow', method);
        throw new DrgradeError('INVALID_ARGUMENT', `Expected ${method} for ${route.kind} but received ${req.method ?? 'no method'}`, { status: 405 });
      }
      if (route.kind !== 'live' && route.kind !== 'ready' && inferenceKey !== undefined && !isAuthorized(req.headers.authorization, inferenceKey)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new DrgradeError('INVALID_ARGUMENT', 'Expected a valid bearer key for the Authorization header but received none or another key', { status: 401 });
      }
      switch (route.kind) {
        case 'live':
          return sendJson(res, 200, { live: true });
        case 'ready':
          if (!dataPlane.ready) throw new DrgradeError('INFERENCE_UNAVAILABLE', 'Expected a loaded, warmed-up model for readiness but received a server not ready yet');
          return sendJson(res, 200, { ready: true });
        case 'server':
          return sendJson(res, 200, dataPlane.serverMetadata());
        case 'metrics':
          res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(metrics.render());
          return;
        case 'model':
          return sendJson(res, 200, dataPlane.modelMetadata(route.name, route.version));
        case 'modelReady':
          if (!dataPlane.modelReady(route.name, route.version)) throw new DrgradeError('INFERENCE_UNAVAILABLE', `Expected model '${route.name}' to be ready but received not ready`);
          return sendJson(res, 200, { name: route.name, ready: true });
        case 'infer': {
          const body = await readBody(req, maxBodyBytes);
          const headerLength = req.headers[inferenceHeaderContentLength];
          const decoded = decodeInferenceBody(body, Array.isArray(headerLength) ? headerLength[0] : headerLength, 'INVALID_ARGUMENT');
          const gone = new AbortController();
          res.once('close', () => {
            if (!res.writableFinished) gone.abort(new DrgradeError('INFERENCE_UNAVAILABLE', 'Expected the client to wait for the response but received a closed connection'));
          });
          const encoded = await dataPlane.infer(route.name, route.version, decoded, { signal: gone.signal });
          const headers: Record<string, string | number> = {
            'Content-Type': encoded.headerContentLength === undefined ? 'application/json' : 'application/octet-stream',
            'Content-Length': encoded.body.length,
          };
          if (encoded.headerContentLength !== undefined) headers['Inference-Header-Content-Length'] = encoded.headerContentLength;
          res.writeHead(200, headers);
          res.end(encoded.body);
          return;
        }
      }
    } catch (thrown) {
      const error = toDrgradeError(thrown);
      if (error.status === 503) res.setHeader('Retry-After', retryAfter);
      if (error.code === 'INPUT_TOO_LARGE') {
        // The rest of the body is not read: close the connection once the answer is out.
        res.setHeader('Connection', 'close');
        res.once('finish', () => req.socket.destroySoon());
      }
      // Internal failures are logged by code, not echoed with their details.
      const message = error.status >= 500 && error.status !== 503 && error.status !== 504 ? `Internal error (${error.code})` : error.message;
      if (!res.headersSent && !res.destroyed) sendJson(res, error.status, { error: message });
      if (error.status >= 500) log?.({ level: 'error', event: 'request_failed', route: routeName, code: error.code, message: error.message });
    } finally {
      const seconds = (performance.now() - started) / 1000;
      metrics.observeRequest(routeName, res.statusCode, seconds);
      log?.({ level: 'info', event: 'request', route: routeName, method: req.method, status: res.statusCode, durationMs: Math.round(seconds * 1e4) / 10 });
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  // Longer than the usual 60 s idle timeout of load balancers, so they close idle connections first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function matchRoute(url: string): Route | undefined {
  const path = pathOf(url);
  switch (path) {
    case '/v2/health/live':
      return { kind: 'live' };
    case '/v2/health/ready':
      return { kind: 'ready' };
    case '/v2':
    case '/v2/':
      return { kind: 'server' };
    case '/metrics':
      return { kind: 'metrics' };
  }
  const m = modelPath.exec(path);
  if (m === null) return undefined;
  let name: string;
  let version: string | undefined;
  try {
    name = decodeURIComponent(m[1]!);
    version = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  } catch {
    return undefined;
  }
  const kind = m[3] === 'ready' ? 'modelReady' : m[3] === 'infer' ? 'infer' : 'model';
  return { kind, name, version };
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = (received: string): DrgradeError =>
    new DrgradeError('INPUT_TOO_LARGE', `Expected at most ${maxBytes} bytes for the request body but received ${received}`);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(`${declared} bytes`);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > maxBytes) {
        req.off('data', onData);
        req.pause();
        reject(tooLarge(`more than that`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new DrgradeError('INVALID_ARGUMENT', 'Expected a complete request body but received a connection closed mid-body'));
    });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
