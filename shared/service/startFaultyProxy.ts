import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the proxy answers a request. */
export type FaultMode = 'ok' | 'down' | 'stall' | 'error500' | 'overloaded' | 'garbage' | 'drop' | 'timeout';

/** Options of {@link startFaultyProxy}. */
export interface FaultyProxyOptions {
  /** Base URL requests are forwarded to in mode `ok`. */
  target: string;
  /** Initial mode; `'random'` draws one per request from `rates`. @default 'ok' */
  mode?: FaultMode | 'random';
  /** Probabilities of each fault in `'random'` mode (the rest is `ok`). @default none */
  rates?: Partial<Record<Exclude<FaultMode, 'ok'>, number>>;
  /** Uniform [0, 1) source for `'random'`. @default Math.random */
  random?: () => number;
  /** Runs before a request is forwarded in mode `ok` or `drop` (e.g. to break a lease the request is about to renew). */
  beforeForward?: (req: IncomingMessage) => Promise<void>;
}

/** A running proxy; `mode` can be changed at any time. */
export interface FaultyProxy {
  readonly url: string;
  mode: FaultMode | 'random';
  /** Requests answered per mode so far. */
  readonly counts: Record<FaultMode, number>;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy that stands in for a misbehaving GPU endpoint or storage account in tests and
 * `drgrade bench blob --faults`: `down` resets the connection, `stall` never answers (until the client gives up),
 * `error500` and `overloaded` (503 with Retry-After) answer errors, `garbage` answers 200 with bytes that are not
 * the protocol, `drop` forwards the request and resets the connection instead of answering (the write happened,
 * the client does not know), `timeout` holds the request for two seconds and answers 500 `OperationTimedOut` (as
 * Azure Storage does when an operation outlives its server-side timeout), `ok` forwards to the real server. A real server, not a mock: clients exercise their
 * real network, timeout and parse paths.
 */
export async function startFaultyProxy(options: FaultyProxyOptions): Promise<FaultyProxy> {
  const target = new URL(options.target);
  const random = options.random ?? Math.random;
  const counts: Record<FaultMode, number> = { ok: 0, down: 0, stall: 0, error500: 0, overloaded: 0, garbage: 0, drop: 0, timeout: 0 };
  const sockets = new Set<Socket>();
  const state = { mode: options.mode ?? ('ok' as FaultMode | 'random') };

  const draw = (): FaultMode => {
    if (state.mode !== 'random') return state.mode;
    let u = random();
    for (const [mode, rate] of Object.entries(options.rates ?? {}) as [Exclude<FaultMode, 'ok'>, number][]) {
      if (u < rate) return mode;
      u -= rate;
    }
    return 'ok';
  };

  const forward = (req: IncomingMessage, res: ServerResponse, drop: boolean) => {
    const upstream = httpRequest(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        if (drop) {
          answer.resume();
          return answer.once('end', () => req.socket.destroy());
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    const mode = draw();
    counts[mode]++;
    switch (mode) {
      case 'ok':
      case 'drop':
        if (!options.beforeForward) return forward(req, res, mode === 'drop');
        req.pause();
        return void options.beforeForward(req).then(
          () => forward(req, res, mode === 'drop'),
          () => req.socket.destroy(),
        );
      case 'down':
        return req.socket.destroy();
      case 'stall':
        // Read the body, then say nothing; the socket closes when the client times out or the proxy closes.
        req.resume();
        return;
      case 'error500':
        req.resume();
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end('{"error":"injected failure"}');
      case 'overloaded':
        req.resume();
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
        return res.end('{"error":"injected overload"}');
      case 'timeout':
        req.resume();
        return void setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(500, { 'content-type': 'application/xml', 'x-ms-error-code': 'OperationTimedOut' });
          res.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>OperationTimedOut</Code><Message>injected timeout</Message></Error>');
        }, 2_000);
      case 'garbage':
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('\u0000\u00ff{"outputs": [ not json');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(mode) {
      state.mode = mode;
    },
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
