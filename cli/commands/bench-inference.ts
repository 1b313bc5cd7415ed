import { spawn, type ChildProcess } from 'node:child_process';
import { Agent as HttpAgent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Tensor } from 'onnxruntime-node';
import { intOption, parseCli } from '../args.js';
import { DrgradeError } from '../../shared/errors.js';
import { defaultModelDir } from '../../shared/grading/defaultModelDir.js';
import { loadModel } from '../../shared/grading/loadModel.js';
import type { ModelManifest } from '../../shared/grading/ModelManifest.js';
import { OipClient } from '../../shared/inference/OipClient.js';
import { allocateModelTensor, imageTensorShape, modelInputDatatypes, type ModelInputDatatype, type ModelTensor } from '../../shared/model/ModelTensor.js';

/** One-line help. */
export const summary = 'Measure the inference server: HTTP overhead over session.run and dynamic-batching gain';

const usage = `Usage: drgrade bench inference [--model <dir>] [--json] [--samples <n>] [--requests <n>] [--concurrency <n>]

Measures, on CPU:
  rawSessionMsBatch1   median session.run of one input, in process (no HTTP)
  serverMsBatch1       median latency of one binary infer request to 'drgrade infer-server' (separate process);
                       the two alternate, sample by sample, so both see the same machine load
  overhead             serverMsBatch1 / rawSessionMsBatch1 - 1 (target <= 0.05)
  throughput.unbatched requests/s at --concurrency (default 16) with --max-batch-size 1
  throughput.batched   requests/s at the same concurrency with dynamic batching (max batch 16, delay 0)
  batchGain            batched / unbatched (target >= 1.3)
  transportFloorMs     median round trip of a bare node:http server in another process that reads a body of the
                       request's size and answers 2 bytes (no model, no protocol): what any HTTP server here costs
  transportFloorMsEmpty   the same with an empty body
  overheadBeyondTransport (serverMsBatch1 - rawSessionMsBatch1 - transportFloorMs) / rawSessionMsBatch1: what the
                       server adds beyond the bare transport (target <= 0.10)
  healthP99MsUnderLoad p99 latency of GET /v2/health/ready, polled one after another during both throughput runs
                       (target <= 50 ms: session.run runs on a worker thread, off the server's event loop)
  payloadBytesBatch1   bytes of one batch-1 infer request body as the client sends it
Model: --model, else models/default when it exists, else the tiny test fixture (the output says which).
  --samples   latency samples (default 100)     --requests  requests per throughput run (default 400)
  --spinning  let idle ONNX Runtime threads spin-wait (ONNX Runtime's default, off in drgrade), here and in the servers`;

/** `drgrade bench inference`. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(
    args,
    {
      model: { type: 'string' },
      json: { type: 'boolean' },
      samples: { type: 'string' },
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      spinning: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const samples = intOption('samples', values.samples, 100);
  const requests = intOption('requests', values.requests, 400);
  const concurrency = intOption('concurrency', values.concurrency, 16);
  const packageRoot = dirname(dirname(defaultModelDir()));
  const fixtureDir = join(packageRoot, 'test', 'fixtures', 'tiny-model');
  const source = values.model !== undefined ? '--model' : existsSync(join(defaultModelDir(), 'model.json')) ? 'default' : 'tiny-fixture';
  const modelDir = resolve(values.model ?? (source === 'default' ? defaultModelDir() : fixtureDir));
  const say = (line: string): void => {
    if (!values.json) process.stderr.write(`${line}\n`);
  };
  say(`model: ${source} (${modelDir})`);

  // 1. session.run alone, in this process.
  const spinning = values.spinning ?? false;
  const serverFlags = spinning ? ['--spinning'] : [];
  // On this thread (no worker): the bare session.run that everything the server adds is measured against.
  const model = await loadModel(modelDir, { executionProvider: 'cpu', intraOpSpinning: spinning, sessionWorkers: 0 });
  const { manifest } = model;
  const size = manifest.preprocessing.size;
  const inputLength = 3 * size * size;
  const input = pseudoRandomInput(manifest.input.datatype, inputLength, 1);
  const runRaw = async (n: number): Promise<void> => {
    const data = allocateModelTensor(manifest.input.datatype, n * inputLength);
    for (let i = 0; i < n; i++) data.set(input, i * inputLength);
    const dims = imageTensorShape(manifest.input.layout, size, n);
    const feed = data instanceof Uint8Array ? new Tensor('uint8', data, dims) : new Tensor('float32', data, dims);
    await model.session.run({ [manifest.input.name]: feed }, [manifest.output.name]);
  };
  for (let i = 0; i < 2; i++) await runRaw(8);
  const rawSessionMsPerImageBatch8 = median(await timeMany(Math.max(5, Math.ceil(samples / 8)), () => runRaw(8))) / 8;

  // 2. One request at a time through HTTP, alternating with session.run in this process so that both see the same
  // machine load (the two never run at the same time), then 3. throughput with and without batching.
  const batchedServer = await startServer(packageRoot, modelDir, ['--max-batch-size', '16', '--max-queue-delay-ms', '0', ...serverFlags]);
  let rawSessionMsBatch1: number;
  let serverMsBatch1: number;
  let batched: number;
  const healthMs: number[] = [];
  try {
    const client = clientFor(batchedServer.url);
    for (let i = 0; i < 5; i++) {
      await runRaw(1);
      await infer(client, manifest, input, 1);
    }
    const raw: number[] = [];
    const served: number[] = [];
    for (let i = 0; i < samples; i++) {
      raw.push(...(await timeMany(1, () => runRaw(1))));
      served.push(...(await timeMany(1, () => infer(client, manifest, input, 1))));
    }
    rawSessionMsBatch1 = median(raw);
    serverMsBatch1 = median(served);
    await model.session.release();
    say(`session.run batch 1: ${rawSessionMsBatch1.toFixed(3)} ms; batch 8: ${rawSessionMsPerImageBatch8.toFixed(3)} ms per image`);
    say(`server batch 1: ${serverMsBatch1.toFixed(3)} ms`);
    const health = pollHealth(batchedServer.url);
    batched = await throughput(client, manifest, input, requests, concurrency);
    healthMs.push(...(await health.stop()));
    client.close();
  } finally {
    await batchedServer.stop();
  }
  const unbatchedServer = await startServer(packageRoot, modelDir, ['--max-batch-size', '1', ...serverFlags]);
  let unbatched: number;
  try {
    const client = clientFor(unbatchedServer.url);
    const health = pollHealth(unbatchedServer.url);
    unbatched = await throughput(client, manifest, input, requests, concurrency);
    healthMs.push(...(await health.stop()));
    client.close();
  } finally {
    await unbatchedServer.stop();
  }

  // 4. The floor: the same payload through a bare node:http echo in another process.
  // Binary tensor bytes per image: 4 per element for FP32 models, 1 for UINT8 models (model contract v2).
  const tensorBytesPerImage = inputLength * modelInputDatatypes[manifest.input.datatype].bytesPerElement;
  const wireBytes = tensorBytesPerImage + 512;
  const floor = await transportFloor([wireBytes, 0], samples);
  say(`bare HTTP round trip: ${floor[0]!.toFixed(3)} ms with ${wireBytes} bytes, ${floor[1]!.toFixed(3)} ms empty`);

  const payloadBytesBatch1 = await requestBodyBytes(manifest, input);
  const healthP99MsUnderLoad = quantile(healthMs, 0.99);
  say(`health/ready under load: p99 ${healthP99MsUnderLoad.toFixed(3)} ms over ${healthMs.length} probes; batch-1 request body ${payloadBytesBatch1} bytes`);

  const round = (v: number, digits: number): number => Number(v.toFixed(digits));
  const report = {
    model: { source, dir: modelDir, name: manifest.name, version: manifest.version, inputSize: size, inputDatatype: manifest.input.datatype },
    tensorBytesPerImage,
    executionProvider: 'cpu',
    intraOpSpinning: spinning,
    rawSessionMsBatch1: round(rawSessionMsBatch1, 3),
    rawSessionMsPerImageBatch8: round(rawSessionMsPerImageBatch8, 3),
    serverMsBatch1: round(serverMsBatch1, 3),
    overhead: round(serverMsBatch1 / rawSessionMsBatch1 - 1, 4),
    throughput: { unbatched: round(unbatched, 1), batched: round(batched, 1), concurrency, requests },
    batchGain: round(batched / unbatched, 3),
    transportFloorMs: round(floor[0]!, 3),
    transportFloorMsEmpty: round(floor[1]!, 3),
    transportFloorOverhead: round(floor[0]! / rawSessionMsBatch1, 4),
    overheadBeyondTransport: round((serverMsBatch1 - rawSessionMsBatch1 - floor[0]!) / rawSessionMsBatch1, 4),
    healthP99MsUnderLoad: round(healthP99MsUnderLoad, 3),
    healthProbesUnderLoad: healthMs.length,
    payloadBytesBatch1,
    targets: { overheadMax: 0.05, batchGainMin: 1.3, overheadBeyondTransportMax: 0.1, healthP99MsUnderLoadMax: 50 },
    machine: { cpus: cpus().length, node: process.version },
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    say(`overhead: ${(report.overhead * 100).toFixed(1)} % (target <= 5 %)`);
    say(`throughput at concurrency ${concurrency}: unbatched ${report.throughput.unbatched} req/s, batched ${report.throughput.batched} req/s`);
    say(`batchGain: ${report.batchGain} (target >= 1.3)`);
    say(`overheadBeyondTransport: ${(report.overheadBeyondTransport * 100).toFixed(1)} % (target <= 10 %); health p99 under load ${report.healthP99MsUnderLoad} ms (target <= 50)`);
  }
  return 0;
}

/** Median round trip, per body size, to a bare node:http server in a child process that drains the body and answers "ok". */
async function transportFloor(sizes: number[], samples: number): Promise<number[]> {
  const server = `const http=require('node:http');const s=http.createServer((q,r)=>{q.on('data',()=>{});q.on('end',()=>{r.writeHead(200,{'content-length':2});r.end('ok');});});s.listen(0,'127.0.0.1',()=>process.stdout.write(String(s.address().port)+'\\n'));`;
  const child = spawn(process.execPath, ['-e', server], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolvePort, reject) => {
      createInterface({ input: child.stdout! }).once('line', (line) => resolvePort(Number(line)));
      child.once('exit', (code) => reject(new DrgradeError('INTERNAL', `Expected a running echo server but received exit code ${code}`)));
    });
    const agent = new HttpAgent({ keepAlive: true });
    const out: number[] = [];
    for (const size of sizes) {
      const body = Buffer.alloc(size, 7);
      const once = (): Promise<void> =>
        new Promise((done, fail) => {
          const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-length': size } }, (res) => {
            res.resume();
            res.once('end', () => done());
          });
          req.once('error', fail);
          req.end(body);
        });
      for (let i = 0; i < 10; i++) await once();
      out.push(median(await timeMany(samples, once)));
    }
    agent.destroy();
    return out;
  } finally {
    child.kill();
  }
}

/**
 * Polls `GET /v2/health/ready` one probe after another on its own connection until stopped; `stop` resolves with
 * each probe's round trip in ms. Like a load balancer's probe, it runs while the server is busy with inference.
 */
function pollHealth(baseUrl: string): { stop: () => Promise<number[]> } {
  const url = new URL('/v2/health/ready', baseUrl);
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const out: number[] = [];
  let stopped = false;
  const once = (): Promise<void> =>
    new Promise((done, fail) => {
      const started = performance.now();
      const req = httpRequest(url, { agent }, (res) => {
        res.resume();
        res.once('end', () => {
          if (res.statusCode !== 200) fail(new DrgradeError('INTERNAL', `Expected 200 for GET /v2/health/ready but received ${res.statusCode}`));
          else {
            out.push(performance.now() - started);
            done();
          }
        });
      });
      req.once('error', fail);
      req.end();
    });
  const loop = (async () => {
    while (!stopped) {
      await once();
      // A short pause between probes, so that polling does not become a load of its own.
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      agent.destroy();
      return out;
    },
  };
}

/** Bytes of the body the client sends for one batch-1 infer request, captured by a loopback server that answers 503. */
async function requestBodyBytes(manifest: ModelManifest, input: ModelTensor): Promise<number> {
  let bytes = 0;
  const capture = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'capture only' }));
    });
  });
  await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
  try {
    const client = clientFor(`http://127.0.0.1:${(capture.address() as AddressInfo).port}`);
    await infer(client, manifest, input, 1).catch(() => undefined);
    client.close();
  } finally {
    await new Promise((r) => capture.close(r));
  }
  return bytes;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

function clientFor(url: string): OipClient {
  return new OipClient({ baseUrl: url, timeoutMs: 60_000, maxAttempts: 1 });
}

async function infer(client: OipClient, manifest: ModelManifest, input: ModelTensor, n: number): Promise<void> {
  const { datatype, layout } = manifest.input;
  await client.infer('drgrade', { [manifest.input.name]: { datatype, shape: imageTensorShape(layout, manifest.preprocessing.size, n), data: input } }, { outputs: [manifest.output.name] });
}

/** Requests per second with `concurrency` callers each sending one request after another. */
async function throughput(client: OipClient, manifest: ModelManifest, input: ModelTensor, total: number, concurrency: number): Promise<number> {
  const warm = Array.from({ length: concurrency }, () => infer(client, manifest, input, 1));
  await Promise.all(warm);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await infer(client, manifest, input, 1);
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

async function timeMany(n: number, f: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Deterministic input (a linear congruential generator), so every run sends the same tensor: values in [-2, 2) for
 * FP32 models, bytes 0–255 for UINT8 models.
 */
function pseudoRandomInput(datatype: ModelInputDatatype, length: number, seed: number): ModelTensor {
  const out = allocateModelTensor(datatype, length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = datatype === 'UINT8' ? state >>> 24 : (state / 2 ** 32) * 4 - 2;
  }
  return out;
}

/** Starts `drgrade infer-server` on a free port in a child process and waits until it is ready. */
async function startServer(packageRoot: string, modelDir: string, extra: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(packageRoot, 'bin', 'drgrade.js'), 'infer-server', '--model', modelDir, '--port', '0', '--no-auth', '--provider', 'cpu', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolvePromise, reject) => {
    let listening: string | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { listening?: string; ready?: boolean };
      if (message.listening) listening = message.listening;
      if (message.ready && listening) resolvePromise(listening);
    });
    void exited.then((code) => reject(new DrgradeError('INTERNAL', `Expected a running infer-server but received exit code ${code}: ${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
