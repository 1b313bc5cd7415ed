import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import azureFunctions, { type HttpHandler } from '@azure/functions';
import { DrgradeError, toDrgradeError } from '../errors.js';
import { problemResponse } from './problemResponse.js';
import { sendHttpResponse } from './sendHttpResponse.js';
import { toHttpRequest } from './toHttpRequest.js';

// The package is CommonJS and Node's ESM loader does not see its classes as named exports.
const { InvocationContext } = azureFunctions;

/** One route: method and path (as the host maps `/api/<route>`) to a function handler. */
export interface LocalRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly functionName: string;
  readonly handler: HttpHandler;
}

/** Options of {@link serveHandlers}. */
export interface ServeHandlersOptions {
  /** @default 0 (ephemeral) */
  port?: number;
  /** @default '127.0.0.1' (loopback only: no function keys are checked locally) */
  host?: string;
  /** Largest request body accepted by the transport. */
  maxBodyBytes: number;
  /** Receives each invocation's log lines. @default discard */
  log?: (level: string, functionName: string, args: unknown[]) => void;
}

/** A running local server. */
export interface LocalServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Serves Azure Functions HTTP handlers on node:http for development without Azure: each request becomes the
 * SDK's `HttpRequest` with a fresh `InvocationContext`, and the returned `HttpResponseInit` is written back as the
 * host would. Unknown paths are 404 and wrong methods 405, both as problem+json.
 */
export async function serveHandlers(routes: readonly LocalRoute[], options: ServeHandlersOptions): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const matching = routes.filter((r) => r.path === path);
      const route = matching.find((r) => r.method === (req.method ?? 'GET').toUpperCase());
      const invocationId = randomUUID();
      try {
        if (!route) {
          req.resume();
          if (matching.length > 0) {
            const error = new DrgradeError('INVALID_ARGUMENT', `Expected ${matching.map((r) => r.method).join(' or ')} for ${path} but received ${req.method ?? 'none'}`, { status: 405 });
            const init = problemResponse(error, { instance: `urn:uuid:${invocationId}` });
            return await sendHttpResponse({ ...init, headers: { ...(init.headers as Record<string, string>), allow: matching.map((r) => r.method).join(', ') } }, res);
          }
          return await sendHttpResponse(problemResponse(new DrgradeError('NOT_FOUND', `Expected one of ${routes.map((r) => r.path).join(', ')} for the path but received ${JSON.stringify(path.slice(0, 80))}`), { instance: `urn:uuid:${invocationId}` }), res);
        }
        const request = await toHttpRequest(req, { origin, maxBodyBytes: options.maxBodyBytes });
        const context = new InvocationContext({
          invocationId,
          functionName: route.functionName,
          logHandler: (level, ...args) => options.log?.(level, route.functionName, args),
        });
        await sendHttpResponse(await route.handler(request, context), res);
      } catch (error) {
        const e = toDrgradeError(error);
        if (!res.headersSent) await sendHttpResponse(problemResponse(e, { instance: `urn:uuid:${invocationId}` }), res).catch(() => res.destroy());
        else res.destroy();
      }
    })();
  });
  // Slow uploads of large photographs must not be cut off by node's default request timeout.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: origin,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
