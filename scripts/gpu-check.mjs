#!/usr/bin/env node
// GPU readiness check: loads a drgrade model under the CUDA execution provider and times batch sizes × concurrency,
// printing one JSON object on stdout. Needs only node and the repository's node_modules (no build, no network).
//
//   node scripts/gpu-check.mjs [--model models/default] [--provider cuda|cpu] [--batches 1,2,4,8,16,32,64]
//                              [--concurrency 1,2,4,8,16,32,64] [--budget-s 300] [--min-requests 3] [--threads n]
//                              [--python python3] [--no-python]
//
// Runtimes, in order: onnxruntime-node (its CUDA binaries are present when it was installed with
// ONNXRUNTIME_NODE_INSTALL=cuda12, i.e. libonnxruntime_providers_cuda.so beside its binding); else, for
// --provider cuda, the machine's own Python onnxruntime when it offers CUDAExecutionProvider (onnxruntime-gpu).
// With --provider cuda and neither, it prints {"error": {"code": "EXECUTION_PROVIDER_UNAVAILABLE", …}} and exits 3.
// Bad arguments exit 2. `executionProvider` in the output is the provider the timings ran on.
//
// Timing: each cell (batch b, concurrency c) keeps c requests of b images in flight for its share of the budget
// (at least --min-requests each), after one untimed warm-up request. Latency p50/p99 are per request, images/s is
// images done / wall time of the cell. The input is a fixed pseudo-random tensor of the manifest's datatype.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** Exit codes. */
const exitBadArguments = 2, exitProviderUnavailable = 3, exitFailure = 1;

function parseArgs(argv) {
  const o = { model: join(repoRoot, 'models', 'default'), provider: 'cuda', batches: [1, 2, 4, 8, 16, 32, 64], concurrency: [1, 2, 4, 8, 16, 32, 64], budgetS: 300, minRequests: 3, threads: 0, python: 'python3', usePython: true };
  const list = (name, v) => {
    const xs = String(v).split(',').map(Number);
    if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1 || x > 1024)) throw new Error(`Expected a comma-separated list of integers 1–1024 for --${name} but received ${JSON.stringify(v)}`);
    return xs;
  };
  const positive = (name, v) => {
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) throw new Error(`Expected a positive number for --${name} but received ${JSON.stringify(v)}`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    const take = () => { if (v === undefined) throw new Error(`Expected a value for ${a} but received nothing`); i++; return v; };
    if (a === '--model') o.model = resolve(take());
    else if (a === '--provider') { o.provider = take(); if (!['cuda', 'cpu'].includes(o.provider)) throw new Error(`Expected cuda or cpu for --provider but received ${JSON.stringify(o.provider)}`); }
    else if (a === '--batches') o.batches = list('batches', take());
    else if (a === '--concurrency') o.concurrency = list('concurrency', take());
    else if (a === '--budget-s') o.budgetS = positive('budget-s', take());
    else if (a === '--min-requests') o.minRequests = Math.ceil(positive('min-requests', take()));
    else if (a === '--threads') o.threads = Math.floor(positive('threads', take()));
    else if (a === '--python') o.python = take();
    else if (a === '--no-python') o.usePython = false;
    else if (a === '--help') o.help = true;
    else throw new Error(`Expected a known option but received ${JSON.stringify(a)} (see the header of scripts/gpu-check.mjs)`);
  }
  return o;
}

/** nvidia-smi's view of the GPUs, or null without it. */
function nvidiaSmi() {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total,compute_cap', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return null;
  return r.stdout.trim().split('\n').filter(Boolean).map((line) => {
    const [name, driver, memoryMiB, computeCapability] = line.split(',').map((s) => s.trim());
    return { name, driver, memoryMiB: Number(memoryMiB), computeCapability };
  });
}

/** Where onnxruntime-node's native binaries for this platform are, and whether its CUDA provider library is there. */
function ortNodeBinaries() {
  const pkgDir = dirname(require.resolve('onnxruntime-node/package.json'));
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  const binRoot = join(pkgDir, 'bin');
  const napi = existsSync(binRoot) ? readdirSync(binRoot).filter((d) => d.startsWith('napi-')) : [];
  const dir = napi.map((d) => join(binRoot, d, process.platform, process.arch)).find((d) => existsSync(d)) ?? null;
  const cudaLibrary = dir ? readdirSync(dir).find((f) => /onnxruntime_providers_cuda\.(so|dll)/.test(f)) ?? null : null;
  return { version, dir: dir && dir.slice(repoRoot.length + 1), cudaProviderPresent: cudaLibrary !== null };
}

function readManifest(modelDir) {
  const manifest = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
  const shape = manifest.input?.shape;
  if (!Array.isArray(shape) || shape.length < 2 || shape.slice(1).some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`Expected an input shape [-1, …positive] for ${join(modelDir, 'model.json')} input.shape but received ${JSON.stringify(shape)}`);
  const datatype = manifest.input?.datatype ?? 'FP32';
  if (!['FP32', 'UINT8'].includes(datatype)) throw new Error(`Expected FP32 or UINT8 for model.json input.datatype but received ${JSON.stringify(datatype)}`);
  return { name: manifest.name, version: manifest.version, sha256: manifest.sha256, inputName: manifest.input.name, outputName: manifest.output?.name, datatype, shape };
}

/** A fixed pseudo-random batch (xorshift32), so every run times the same numbers. */
function inputData(datatype, length) {
  const data = datatype === 'UINT8' ? new Uint8Array(length) : new Float32Array(length);
  let s = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    const u = (s >>> 0) / 4294967296;
    data[i] = datatype === 'UINT8' ? Math.floor(u * 256) : u;
  }
  return data;
}

function percentile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const round = (v, d = 3) => (v === null ? null : Math.round(v * 10 ** d) / 10 ** d);

/** Times the grid in this process with onnxruntime-node. */
async function timeWithNode(ort, session, manifest, o, cellBudgetMs) {
  const perImage = manifest.shape.slice(1).reduce((a, b) => a * b, 1);
  const type = manifest.datatype === 'UINT8' ? 'uint8' : 'float32';
  const cells = [];
  for (const batch of o.batches) {
    const tensor = new ort.Tensor(type, inputData(manifest.datatype, batch * perImage), [batch, ...manifest.shape.slice(1)]);
    const feeds = { [manifest.inputName]: tensor };
    await session.run(feeds);
    for (const concurrency of o.concurrency) {
      const latencies = [];
      const started = performance.now();
      const deadline = started + cellBudgetMs;
      const worker = async () => {
        for (let n = 0; n < o.minRequests || performance.now() < deadline; n++) {
          const t0 = performance.now();
          await session.run(feeds);
          latencies.push(performance.now() - t0);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const wallMs = performance.now() - started;
      latencies.sort((a, b) => a - b);
      cells.push({ batch, concurrency, requests: latencies.length, p50Ms: round(percentile(latencies, 0.5)), p99Ms: round(percentile(latencies, 0.99)), imagesPerSecond: round((latencies.length * batch * 1000) / wallMs, 1) });
    }
  }
  return cells;
}

// The same grid in the machine's Python onnxruntime (threads: its run() releases the GIL, so concurrency is real).
const pythonTimer = String.raw`
import json, sys, threading, time
import numpy as np
import onnxruntime as ort
a = json.loads(sys.argv[1])
if a["probe"]:
    print(json.dumps({"version": ort.__version__, "providers": ort.get_available_providers()})); sys.exit(0)
so = ort.SessionOptions()
if a["threads"]: so.intra_op_num_threads = a["threads"]
s = ort.InferenceSession(a["model"], so, providers=["CUDAExecutionProvider"])
used = s.get_providers()
if "CUDAExecutionProvider" not in used:
    print(json.dumps({"error": "CUDAExecutionProvider not used: " + ",".join(used)})); sys.exit(3)
rng = np.random.default_rng(1)
cells = []
for b in a["batches"]:
    shape = [b] + a["shape"][1:]
    x = rng.integers(0, 256, shape, dtype=np.uint8) if a["datatype"] == "UINT8" else rng.random(shape, dtype=np.float32)
    feeds = {a["input"]: x}
    s.run(None, feeds)
    for c in a["concurrency"]:
        lat = []; lock = threading.Lock(); t_start = time.perf_counter(); deadline = t_start + a["cellBudgetMs"] / 1000
        def work():
            n = 0
            while n < a["minRequests"] or time.perf_counter() < deadline:
                t0 = time.perf_counter(); s.run(None, feeds); dt = (time.perf_counter() - t0) * 1000
                with lock: lat.append(dt)
                n += 1
        ts = [threading.Thread(target=work) for _ in range(c)]
        [t.start() for t in ts]; [t.join() for t in ts]
        wall = time.perf_counter() - t_start
        lat.sort()
        pick = lambda q: lat[min(len(lat) - 1, max(0, -(-int(q * len(lat) * 1000) // 1000) - 1))]
        cells.append({"batch": b, "concurrency": c, "requests": len(lat), "p50Ms": round(pick(0.5), 3), "p99Ms": round(pick(0.99), 3), "imagesPerSecond": round(len(lat) * b / wall, 1)})
print(json.dumps({"version": ort.__version__, "providers": used, "cells": cells}))
`;

function runPython(o, args) {
  const r = spawnSync(o.python, ['-c', pythonTimer, JSON.stringify(args)], { encoding: 'utf8', timeout: (o.budgetS + 120) * 1000, maxBuffer: 1 << 24 });
  if (r.error || !r.stdout.trim()) return { error: r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(-1)[0] || `exit ${r.status}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').slice(-1)[0]);
  } catch {
    return { error: `unparsable output: ${r.stdout.slice(0, 200)}` };
  }
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`gpu-check: ${error.message}\n`);
    return exitBadArguments;
  }
  if (o.help) { process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 17).join('\n') + '\n'); return 0; }
  const started = performance.now();
  const manifest = readManifest(o.model);
  const report = {
    tool: 'drgrade gpu-check',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    gpus: nvidiaSmi(),
    requestedProvider: o.provider,
    onnxruntimeNode: ortNodeBinaries(),
    model: { dir: o.model.startsWith(repoRoot) ? o.model.slice(repoRoot.length + 1) : o.model, name: manifest.name, version: manifest.version, sha256: manifest.sha256, input: { name: manifest.inputName, datatype: manifest.datatype, shape: manifest.shape } },
    grid: { batches: o.batches, concurrency: o.concurrency, budgetS: o.budgetS, minRequests: o.minRequests },
  };
  const cellBudgetMs = (o.budgetS * 1000) / (o.batches.length * o.concurrency.length);
  const ort = require('onnxruntime-node');
  const sessionOptions = { graphOptimizationLevel: 'all', ...(o.threads ? { intraOpNumThreads: o.threads } : {}) };
  let session = null, nodeError = null;
  try {
    session = await ort.InferenceSession.create(join(o.model, 'model.onnx'), { ...sessionOptions, executionProviders: [o.provider] });
  } catch (error) {
    nodeError = String(error.message).split('\n')[0].replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '').slice(0, 400);
  }
  const done = (extra, code) => {
    process.stdout.write(`${JSON.stringify({ ...report, ...extra, wallS: round((performance.now() - started) / 1000, 1) })}\n`);
    return code;
  };
  if (session) {
    const cells = await timeWithNode(ort, session, manifest, o, cellBudgetMs);
    return done({ runtime: `onnxruntime-node ${report.onnxruntimeNode.version}`, executionProvider: o.provider, cells }, 0);
  }
  let python = null;
  if (o.provider === 'cuda' && o.usePython) {
    const probe = runPython(o, { probe: true });
    python = probe.error ? { available: false, error: probe.error } : { available: probe.providers.includes('CUDAExecutionProvider'), version: probe.version, providers: probe.providers };
    if (python.available) {
      const timed = runPython(o, { probe: false, model: join(o.model, 'model.onnx'), input: manifest.inputName, datatype: manifest.datatype, shape: manifest.shape, batches: o.batches, concurrency: o.concurrency, minRequests: o.minRequests, cellBudgetMs, threads: o.threads });
      if (!timed.error) return done({ runtime: `python onnxruntime ${timed.version}`, executionProvider: 'cuda', nodeError, cells: timed.cells }, 0);
      python.error = timed.error;
    }
  }
  const code = 'EXECUTION_PROVIDER_UNAVAILABLE';
  return done({ executionProvider: null, error: { code, message: `Expected the ${o.provider} execution provider to load but received: ${nodeError}`, python } }, o.provider === 'cuda' ? exitProviderUnavailable : exitFailure);
}

main().then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`gpu-check: ${error.message}\n`);
  process.exitCode = exitFailure;
});
