import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrgradeError, isDrgradeError } from '../../../shared/errors.js';
import { OipClient, type OipClientOptions } from '../../../shared/inference/OipClient.js';
import type { RunningInferenceServer } from '../../../shared/inference/startInferenceServer.js';
import type { TensorValue } from '../../../shared/inference/TensorValue.js';
import { expectedProbeLogits, probeInput } from '../../fixtures/tiny-model/tinyModel.js';
import { startTinyServer, testKey } from './tinyServer.js';

const input = (xs: Float32Array[]): Record<string, TensorValue> => {
  const data = new Float32Array(xs.length * 3072);
  xs.forEach((x, i) => data.set(x, i * 3072));
  return { input: { datatype: 'FP32', shape: [xs.length, 3, 32, 32], data } };
};

const failure = async (p: Promise<unknown>): Promise<DrgradeError> => {
  try {
    await p;
  } catch (error) {
    if (isDrgradeError(error)) return error;
    throw error;
  }
  throw new Error('expected a DrgradeError');
};

/** A real local HTTP server whose behaviour each test sets; it counts the requests it receives. */
class Misbehaving {
  server: Server;
  requests = 0;
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => void = (_req, res) => res.end();
  url = '';
  constructor() {
    this.server = createServer((req, res) => {
      this.requests++;
      req.resume();
      req.once('end', () => this.handler(req, res, this.requests));
    });
  }
  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const validResponse = JSON.stringify({ model_name: 'm', outputs: [{ name: 'logits', shape: [1, 5], datatype: 'FP32', data: [1, 2, 3, 4, 5] }] });

describe('OipClient against the real server', () => {
  let server: RunningInferenceServer;
  let client: OipClient;
  beforeAll(async () => {
    server = await startTinyServer();
    client = new OipClient({ baseUrl: server.url, key: testKey });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it('infers with the binary extension by default, and gets the same values through JSON', async () => {
    const binary = await client.infer('drgrade', input([probeInput(0), probeInput(1)]), { outputs: ['logits'] });
    expect(binary.logits!.shape).toEqual([2, 5]);
    expect(Array.from(binary.logits!.data as Float32Array)).toEqual(expectedProbeLogits.flat().map((v) => expect.closeTo(v, 4)));
    const json = await client.infer('drgrade', input([probeInput(0), probeInput(1)]), { binary: false });
    expect(json.logits!.data).toEqual(binary.logits!.data);
    expect(server.metrics.render()).toMatch(/route="infer",status="200"\} 2/);
  });

  it('reads server and model metadata and readiness', async () => {
    expect((await client.serverMetadata()).extensions).toContain('binary_tensor_data');
    const metadata = await client.modelMetadata('drgrade', { version: '0.0.1' });
    expect(metadata.inputs[0]).toEqual({ name: 'input', datatype: 'FP32', shape: [-1, 3, 32, 32] });
    expect(await client.serverLive()).toBe(true);
    expect(await client.serverReady()).toBe(true);
    expect(await client.modelReady('drgrade')).toBe(true);
    expect(await client.modelReady('other')).toBe(false);
  });

  it('reports a 4xx as INFERENCE_REJECTED, permanent and not retried', async () => {
    const before = server.metrics.render().match(/route="model",status="404"\} (\d+)/)?.[1] ?? '0';
    const error = await failure(client.modelMetadata('other'));
    expect(error.code).toBe('INFERENCE_REJECTED');
    expect(error.transient).toBe(false);
    expect(error.message).toMatch(/received 404: Expected model 'drgrade'/);
    const after = server.metrics.render().match(/route="model",status="404"\} (\d+)/)?.[1];
    expect(Number(after)).toBe(Number(before) + 1);
  });

  it('is rejected without the key', async () => {
    const anonymous = new OipClient({ baseUrl: server.url });
    const error = await failure(anonymous.infer('drgrade', input([probeInput(0)])));
    expect(error.code).toBe('INFERENCE_REJECTED');
    expect(error.details.status).toBe(401);
    anonymous.close();
  });
});

describe('OipClient against a misbehaving server', () => {
  const bad = new Misbehaving();
  beforeAll(() => bad.start());
  afterAll(() => bad.stop());
  const make = (options: Partial<OipClientOptions> = {}) =>
    new OipClient({ baseUrl: bad.url, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000, breakerFailureThreshold: 100, ...options });

  it('retries 500s and succeeds when the server recovers', async () => {
    bad.requests = 0;
    bad.handler = (_req, res, n) => {
      res.writeHead(n <= 2 ? 500 : 200, { 'content-type': 'application/json' });
      res.end(n <= 2 ? '{"error":"boom"}' : validResponse);
    };
    const out = await make({ maxAttempts: 3 }).infer('m', input([probeInput(0)]));
    expect(Array.from(out.logits!.data as Float32Array)).toEqual([1, 2, 3, 4, 5]);
    expect(bad.requests).toBe(3);
  });

  it('gives up after maxAttempts with a transient INFERENCE_UNAVAILABLE', async () => {
    bad.requests = 0;
    bad.handler = (_req, res) => {
      res.writeHead(502);
      res.end('bad gateway');
    };
    const error = await failure(make({ maxAttempts: 4 }).infer('m', input([probeInput(0)])));
    expect(error.code).toBe('INFERENCE_UNAVAILABLE');
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/received 502: bad gateway \(after 4 attempts\)$/);
    expect(bad.requests).toBe(4);
  });

  it('maps 429 and a full-queue 503 to INFERENCE_OVERLOADED and honours Retry-After', async () => {
    bad.requests = 0;
    bad.handler = (_req, res, n) => {
      res.writeHead(n === 1 ? 429 : 503, { 'retry-after': '0' });
      res.end(JSON.stringify({ error: 'queue full' }));
    };
    const error = await failure(make({ maxAttempts: 2 }).infer('m', input([probeInput(0)])));
    expect(error.code).toBe('INFERENCE_OVERLOADED');
    expect(error.transient).toBe(true);
    expect(bad.requests).toBe(2);
  });

  it('times out a slow server, per attempt, as INFERENCE_TIMEOUT', async () => {
    bad.requests = 0;
    bad.handler = () => undefined; // never answers
    const error = await failure(make({ maxAttempts: 2, timeoutMs: 150 }).infer('m', input([probeInput(0)])));
    expect(error.code).toBe('INFERENCE_TIMEOUT');
    expect(error.transient).toBe(true);
    expect(bad.requests).toBe(2);
  });

  it('reports a malformed body as INFERENCE_BAD_RESPONSE', async () => {
    bad.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"model_name": "m", "outputs": [{"name": "logits", "shape": [1, 5], "datatype": "FP32", "data": [1, 2]}]}');
    };
    const short = await failure(make().infer('m', input([probeInput(0)])));
    expect(short.code).toBe('INFERENCE_BAD_RESPONSE');
    expect(short.transient).toBe(true);
    expect(short.message).toMatch(/^Expected 5 elements .* for data of output 'logits'/);
    bad.handler = (_req, res) => res.end('<html>proxy error</html>');
    expect((await failure(make().infer('m', input([probeInput(0)])))).code).toBe('INFERENCE_BAD_RESPONSE');
    bad.handler = (_req, res) => {
      res.writeHead(200, { 'inference-header-content-length': '999' });
      res.end('{}');
    };
    expect((await failure(make().infer('m', input([probeInput(0)])))).code).toBe('INFERENCE_BAD_RESPONSE');
    bad.handler = (_req, res) => res.end('{"outputs": 3}');
    expect((await failure(make().modelMetadata('m'))).code).toBe('INFERENCE_BAD_RESPONSE');
  });

  it("stops with DEADLINE_EXCEEDED when the caller's signal aborts", async () => {
    bad.handler = () => undefined;
    const controller = new AbortController();
    const pending = failure(make({ timeoutMs: 60_000 }).infer('m', input([probeInput(0)]), { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect(error.code).toBe('DEADLINE_EXCEEDED');
  });

  it('opens the circuit after consecutive failures, fails fast without calling, then closes after a good trial', async () => {
    bad.requests = 0;
    bad.handler = (_req, res) => {
      res.writeHead(500);
      res.end();
    };
    const client = make({ maxAttempts: 1, breakerFailureThreshold: 2, breakerResetMs: 200 });
    expect((await failure(client.infer('m', input([probeInput(0)])))).code).toBe('INFERENCE_UNAVAILABLE');
    expect((await failure(client.infer('m', input([probeInput(0)])))).code).toBe('INFERENCE_UNAVAILABLE');
    const open = await failure(client.infer('m', input([probeInput(0)])));
    expect(open.code).toBe('CIRCUIT_OPEN');
    expect(open.transient).toBe(true);
    expect(bad.requests).toBe(2);
    bad.handler = (_req, res) => res.end(validResponse);
    await new Promise((r) => setTimeout(r, 250));
    expect(client.breaker.state).toBe('half-open');
    await client.infer('m', input([probeInput(0)]));
    expect(client.breaker.state).toBe('closed');
    expect(bad.requests).toBe(3);
  });
});

describe('OipClient against a server that is down', () => {
  it('reports INFERENCE_UNAVAILABLE after its attempts, and probes answer false', async () => {
    const gone = new Misbehaving();
    await gone.start();
    const url = gone.url;
    await gone.stop();
    const client = new OipClient({ baseUrl: url, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 });
    const error = await failure(client.infer('m', input([probeInput(0)])));
    expect(error.code).toBe('INFERENCE_UNAVAILABLE');
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/network error \(ECONNREFUSED\) \(after 3 attempts\)$/);
    expect(error.details.attempts).toBe(3);
    expect(await client.serverLive()).toBe(false);
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => new OipClient({ baseUrl: 'ftp://x' })).toThrow(/for baseUrl/);
  });
});
