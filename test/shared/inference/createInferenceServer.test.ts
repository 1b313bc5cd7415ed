import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceServer } from '../../../shared/inference/createInferenceServer.js';
import { InferenceDataPlane } from '../../../shared/inference/InferenceDataPlane.js';
import { InferenceMetrics } from '../../../shared/inference/InferenceMetrics.js';
import type { RunningInferenceServer } from '../../../shared/inference/startInferenceServer.js';
import { expectedProbeLogits, probeInput } from '../../fixtures/tiny-model/tinyModel.js';
import { auth, startTinyServer } from './tinyServer.js';

const model = 'drgrade';

/** An infer response as the tests read it (JSON outputs carry `data`, binary ones `parameters`). */
interface InferJson {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: { name: string; shape: number[]; datatype: string; data: number[]; parameters?: Record<string, unknown> }[];
}

/** Model metadata as the tests read it. */
interface MetadataJson {
  parameters: Record<string, string | number>;
  [key: string]: unknown;
}

function jsonRequest(inputs: Float32Array[], extra: Record<string, unknown> = {}): string {
  const data = inputs.flatMap((x) => Array.from(x));
  return JSON.stringify({ inputs: [{ name: 'input', shape: [inputs.length, 3, 32, 32], datatype: 'FP32', data }], ...extra });
}

/** A binary-extension body: JSON header then the raw little-endian floats. */
function binaryRequest(inputs: Float32Array[], header: Record<string, unknown> = {}): { body: Buffer; headers: Record<string, string> } {
  const data = new Float32Array(inputs.length * 3072);
  inputs.forEach((x, i) => data.set(x, i * 3072));
  const json = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'input', shape: [inputs.length, 3, 32, 32], datatype: 'FP32', parameters: { binary_data_size: data.byteLength } }],
      outputs: [{ name: 'logits', parameters: { binary_data: true } }],
      ...header,
    }),
  );
  return {
    body: Buffer.concat([json, Buffer.from(data.buffer)]),
    headers: { ...auth, 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.length) },
  };
}

/** Splits a binary response into its JSON header and float32 output. */
async function readBinary(response: Response): Promise<{ json: InferJson; values: Float32Array }> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const n = Number(response.headers.get('inference-header-content-length'));
  const json = JSON.parse(bytes.subarray(0, n).toString('utf8')) as InferJson;
  const tail = bytes.subarray(n);
  const values = new Float32Array(tail.length / 4);
  new Uint8Array(values.buffer).set(tail);
  return { json, values };
}

describe('inference server (tiny model, real ONNX Runtime session, loopback)', () => {
  let server: RunningInferenceServer;
  let url: string;
  const logs: Record<string, unknown>[] = [];
  beforeAll(async () => {
    server = await startTinyServer({ maxBodyBytes: 256 * 1024 }, { log: (e) => logs.push(e) });
    url = server.url;
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = { ...auth, 'content-type': 'application/json' }) =>
    fetch(`${url}${path}`, { method: 'POST', body, headers });
  const get = (path: string, headers: Record<string, string> = auth) => fetch(`${url}${path}`, { headers });

  it('answers the health probes without a key', async () => {
    const live = await fetch(`${url}/v2/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ live: true });
    const ready = await fetch(`${url}/v2/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
  });

  it('serves server metadata with the binary extension', async () => {
    const response = await get('/v2');
    expect(await response.json()).toEqual({ name: 'drgrade', version: '1', extensions: ['binary_tensor_data'] });
  });

  it('serves model metadata, with the manifest identity and provider as parameters', async () => {
    for (const path of [`/v2/models/${model}`, `/v2/models/${model}/versions/0.0.1`]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      const body = (await response.json()) as MetadataJson;
      expect(body).toMatchObject({
        name: model,
        versions: ['0.0.1'],
        platform: 'onnxruntime_onnx',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 32, 32] }],
        outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 5] }],
        parameters: { manifest_name: 'drgrade-tiny', manifest_version: '0.0.1', execution_provider: 'cpu', max_batch_size: 16 },
      });
      expect(body.parameters.manifest_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect((JSON.parse(String(body.parameters.manifest)) as { name: string }).name).toBe('drgrade-tiny');
    }
  });

  it('answers model readiness', async () => {
    expect((await get(`/v2/models/${model}/ready`)).status).toBe(200);
    expect((await get(`/v2/models/${model}/versions/0.0.1/ready`)).status).toBe(200);
  });

  it('infers from JSON tensors, matching the NumPy reference', async () => {
    const response = await post(`/v2/models/${model}/infer`, jsonRequest([probeInput(0), probeInput(1)], { id: 'req-1' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as InferJson;
    expect(body).toMatchObject({ model_name: model, model_version: '0.0.1', id: 'req-1', outputs: [{ name: 'logits', datatype: 'FP32', shape: [2, 5] }] });
    expect(body.outputs[0]!.data).toEqual(expectedProbeLogits.flat().map((v) => expect.closeTo(v, 4)));
  });

  it('gives identical outputs for JSON and binary requests', async () => {
    const inputs = [probeInput(0), probeInput(1), probeInput(7)];
    const fromJson = ((await (await post(`/v2/models/${model}/infer`, jsonRequest(inputs))).json()) as InferJson).outputs[0]!.data as number[];
    const { body, headers } = binaryRequest(inputs);
    const response = await post(`/v2/models/${model}/infer`, body, headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const { json, values } = await readBinary(response);
    expect(json.outputs[0]).toEqual({ name: 'logits', shape: [3, 5], datatype: 'FP32', parameters: { binary_data_size: 60 } });
    expect(Array.from(values)).toEqual(fromJson);
  });

  it('returns binary outputs for binary_data_output on a JSON request', async () => {
    const response = await post(`/v2/models/${model}/infer`, jsonRequest([probeInput(0)], { parameters: { binary_data_output: true } }));
    const { values } = await readBinary(response);
    expect(Array.from(values)).toEqual(expectedProbeLogits[0]!.map((v) => expect.closeTo(v, 4)));
  });

  it('accepts nested JSON data', async () => {
    const flat = Array.from(probeInput(0));
    const nested = [[0, 1, 2].map((c) => Array.from({ length: 32 }, (_, y) => flat.slice(c * 1024 + y * 32, c * 1024 + y * 32 + 32)))];
    const response = await post(`/v2/models/${model}/infer`, JSON.stringify({ inputs: [{ name: 'input', shape: [1, 3, 32, 32], datatype: 'FP32', data: nested }] }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as InferJson).outputs[0]!.data).toEqual(expectedProbeLogits[0]!.map((v) => expect.closeTo(v, 4)));
  });

  describe('errors', () => {
    const expectError = async (response: Response, status: number, pattern: RegExp): Promise<void> => {
      expect(response.status).toBe(status);
      const body = (await response.json()) as { error: string };
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).toMatch(pattern);
    };

    it('400 for a body that is not JSON', async () => {
      await expectError(await post(`/v2/models/${model}/infer`, '{nope'), 400, /^Expected a JSON object for the body's JSON part/);
    });

    it('400 for an unknown input name', async () => {
      const body = jsonRequest([probeInput(0)]).replace('"name":"input"', '"name":"image"');
      await expectError(await post(`/v2/models/${model}/infer`, body), 400, /^Expected one of \["input"\] for inputs\[0\]\.name but received "image"$/);
    });

    it('400 for a wrong datatype', async () => {
      const body = jsonRequest([probeInput(0)]).replace('"datatype":"FP32"', '"datatype":"FP64"');
      await expectError(await post(`/v2/models/${model}/infer`, body), 400, /^Expected FP32 for datatype of input 'input' but received "FP64"$/);
    });

    it('400 for a wrong shape', async () => {
      const body = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 3, 16, 64], datatype: 'FP32', data: Array.from(probeInput(0)) }] });
      await expectError(await post(`/v2/models/${model}/infer`, body), 400, /^Expected \[-1,3,32,32\] with a batch of at least 1 for shape of input 'input' but received "\[1,3,16,64\]"$/);
    });

    it('400 when data does not fill the shape', async () => {
      const body = JSON.stringify({ inputs: [{ name: 'input', shape: [2, 3, 32, 32], datatype: 'FP32', data: Array.from(probeInput(0)) }] });
      await expectError(await post(`/v2/models/${model}/infer`, body), 400, /^Expected 6144 elements .* for data of input 'input' but received "3072 elements"$/);
    });

    it('400 when binary_data_size disagrees with the shape', async () => {
      const { body, headers } = binaryRequest([probeInput(0)]);
      const broken = Buffer.from(body.toString('latin1').replace('"binary_data_size":12288', '"binary_data_size":12284'), 'latin1');
      await expectError(await post(`/v2/models/${model}/infer`, broken, headers), 400, /binary_data_size of input 'input' but received 12284/);
    });

    it('400 for an unknown output', async () => {
      await expectError(await post(`/v2/models/${model}/infer`, jsonRequest([probeInput(0)], { outputs: [{ name: 'probs' }] })), 400, /for outputs\[0\]\.name/);
    });

    it('404 for an unknown model, version or path', async () => {
      await expectError(await get('/v2/models/other'), 404, /^Expected model 'drgrade' for model name but received "other"$/);
      await expectError(await post(`/v2/models/${model}/versions/9/infer`, jsonRequest([probeInput(0)])), 404, /^Expected version '0\.0\.1'/);
      await expectError(await get('/v1/models'), 404, /Open Inference Protocol path/);
    });

    it('405 for the wrong method', async () => {
      const response = await get(`/v2/models/${model}/infer`);
      expect(response.headers.get('allow')).toBe('POST');
      await expectError(response, 405, /^Expected POST for infer but received GET$/);
    });

    it('401 without the bearer key or with another one', async () => {
      const none = await fetch(`${url}/v2/models/${model}`);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      await expectError(none, 401, /bearer key/);
      await expectError(await get(`/v2/models/${model}`, { authorization: 'Bearer wrong' }), 401, /bearer key/);
      await expectError(await get('/metrics', { authorization: 'Basic abc' }), 401, /bearer key/);
    });

    it('413 for a body over the limit', async () => {
      const big = jsonRequest(Array.from({ length: 6 }, (_, i) => probeInput(i)));
      expect(big.length).toBeGreaterThan(256 * 1024);
      await expectError(await post(`/v2/models/${model}/infer`, big), 413, /^Expected at most 262144 bytes for the request body/);
    });

    it('413 for a chunked body that grows over the limit', async () => {
      const chunk = new Uint8Array(64 * 1024).fill(32);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          // Stops on its own well past the limit, in case the server kept reading.
          if (sent++ < 40) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await fetch(`${url}/v2/models/${model}/infer`, { method: 'POST', body, headers: auth, duplex: 'half' } as RequestInit);
      await expectError(response, 413, /^Expected at most 262144 bytes for the request body/);
    });
  });

  it('exposes Prometheus metrics without request data, and logs none', async () => {
    const text = await (await get('/metrics')).text();
    expect(text).toMatch(/^# HELP drgrade_inference_requests_total/m);
    expect(text).toMatch(/^drgrade_inference_requests_total\{route="infer",status="200"\} \d+$/m);
    expect(text).toMatch(/^drgrade_inference_requests_total\{route="infer",status="400"\} \d+$/m);
    expect(text).toMatch(/^drgrade_inference_request_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^drgrade_inference_batch_size_count \d+$/m);
    expect(text).toMatch(/^drgrade_inference_queue_depth 0$/m);
    expect(text).toMatch(/^drgrade_inference_model_info\{model="drgrade",version="0\.0\.1",provider="cpu"\} 1$/m);
    expect(text).not.toMatch(/req-1/);
    const logged = JSON.stringify(logs);
    expect(logs.some((e) => e.event === 'model_ready' && e.executionProvider === 'cpu')).toBe(true);
    expect(logs.some((e) => e.event === 'request' && e.route === 'infer' && e.status === 200)).toBe(true);
    expect(logged).not.toMatch(/req-1|test-key|0\.84147/);
  });
});

describe('dynamic batching over HTTP', () => {
  let batching: RunningInferenceServer;
  let unbatched: RunningInferenceServer;
  beforeAll(async () => {
    // A long delay: the batch starts only when 8 rows have queued, so the 8 callers below share exactly one batch.
    batching = await startTinyServer({ maxBatchSize: 8, maxQueueDelayMs: 60_000 });
    unbatched = await startTinyServer({ maxBatchSize: 1 });
  });
  afterAll(async () => {
    await Promise.all([batching.close(), unbatched.close()]);
  });

  const infer = async (base: string, input: Float32Array): Promise<number[]> => {
    const response = await fetch(`${base}/v2/models/${model}/infer`, { method: 'POST', headers: auth, body: jsonRequest([input]) });
    expect(response.status).toBe(200);
    return ((await response.json()) as InferJson).outputs[0]!.data;
  };

  it('returns each concurrent caller its own row, equal to running it alone', async () => {
    const inputs = Array.from({ length: 8 }, (_, i) => probeInput(i * 3 - 10));
    const together = await Promise.all(inputs.map((x) => infer(batching.url, x)));
    expect(batching.metrics.render()).toMatch(/^drgrade_inference_batch_size_bucket\{le="8"\} 1$/m);
    expect(batching.metrics.render()).toMatch(/^drgrade_inference_batch_size_bucket\{le="4"\} 0$/m);
    const alone: number[][] = [];
    for (const x of inputs) alone.push(await infer(unbatched.url, x));
    together.forEach((row, i) => expect(row).toEqual(alone[i]!.map((v) => expect.closeTo(v, 5))));
    expect(unbatched.metrics.render()).toMatch(/^drgrade_inference_batch_size_bucket\{le="1"\} 8$/m);
  });
});

describe('backpressure and deadlines', () => {
  let server: RunningInferenceServer;
  beforeAll(async () => {
    server = await startTinyServer({ maxBatchSize: 64, maxQueueDelayMs: 600_000, maxQueueSize: 2 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 503 with Retry-After when the queue is full, and 504 when a queued request outlives its timeout', async () => {
    const send = (timeoutUs?: number) =>
      fetch(`${server.url}/v2/models/${model}/infer`, {
        method: 'POST',
        headers: auth,
        body: jsonRequest([probeInput(0)], timeoutUs === undefined ? {} : { parameters: { timeout: timeoutUs } }),
      });
    const first = send(1_500_000);
    const second = send(1_500_000);
    // Wait (without timing anything) until both sit in the queue.
    while (server.dataPlane.queueDepth < 2) await new Promise((r) => setTimeout(r, 10));
    const third = await send();
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(((await third.json()) as { error: string }).error).toMatch(/queue full/);
    const [a, b] = await Promise.all([first, second]);
    expect(a.status).toBe(504);
    expect(b.status).toBe(504);
    expect(((await a.json()) as { error: string }).error).toMatch(/deadline/);
    expect(server.dataPlane.queueDepth).toBe(0);
  });
});

describe('shutdown', () => {
  it('answers queued requests 503 and releases the model after the running batch', async () => {
    const server = await startTinyServer({ maxBatchSize: 64, maxQueueDelayMs: 600_000 });
    const pending = fetch(`${server.url}/v2/models/${model}/infer`, { method: 'POST', headers: auth, body: jsonRequest([probeInput(0)]) });
    while (server.dataPlane.queueDepth < 1) await new Promise((r) => setTimeout(r, 10));
    const closing = server.close();
    const response = await pending;
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(/shutdown/);
    await closing;
    expect(server.dataPlane.ready).toBe(false);
  });
});

describe('readiness', () => {
  it('answers 503 with Retry-After until a model is attached', async () => {
    const dataPlane = new InferenceDataPlane();
    const metrics = new InferenceMetrics({ queueDepth: () => dataPlane.queueDepth });
    const server = createInferenceServer({ dataPlane, metrics, inferenceKey: undefined });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/v2/health/live`)).status).toBe(200);
      const ready = await fetch(`${base}/v2/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('1');
      const infer = await fetch(`${base}/v2/models/${model}/infer`, { method: 'POST', body: jsonRequest([probeInput(0)]) });
      expect(infer.status).toBe(503);
      expect(((await infer.json()) as { error: string }).error).toMatch(/still loading/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
