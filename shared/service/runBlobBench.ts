import { readSettings, type Settings } from '../config/settings.js';
import { isDrgradeError, toDrgradeError } from '../errors.js';
import { createDecodeCounter } from '../image/DecodeCounter.js';
import { encodeJpeg } from '../image/encodeImage.js';
import { defaultServerSettings } from '../inference/serverSettings.js';
import { startInferenceServer, type RunningInferenceServer } from '../inference/startInferenceServer.js';
import { containerLayout } from '../storage/containerLayout.js';
import { createBlobServiceClient } from '../storage/createBlobServiceClient.js';
import { DeadLetterStore } from '../storage/DeadLetterStore.js';
import { startAzurite } from '../storage/startAzurite.js';
import { mulberry32 } from '../synth/mulberry32.js';
import { synthFundus } from '../synth/synthFundus.js';
import { forEachConcurrently } from './forEachConcurrently.js';
import { gradeBlob, type GradeBlobOutcome } from './gradeBlob.js';
import { gradeBytesFor } from './gradeBytesFor.js';
import { replayDeadLetters } from './replayDeadLetters.js';
import { closeSharedGraders } from './sharedGrader.js';
import { startFaultyProxy, type FaultyProxy, type FaultMode } from './startFaultyProxy.js';

/** Options of {@link runBlobBench}. */
export interface BlobBenchOptions {
  /** Photographs uploaded. */
  count: number;
  /** Deliveries processed at once. @default 2 */
  concurrency?: number;
  /**
   * Inject faults: inference through a proxy that fails, stalls and returns garbage part of the time; storage
   * through a proxy that answers 500/503, times out (500 OperationTimedOut after 2 s), resets and drops answers
   * after the write; leases of
   * source locks broken just before a commit's confirmation; Azurite (on disk) stopped and restarted once mid-run.
   * @default false
   */
  faults?: boolean;
  /** Share of photographs delivered twice at the same moment (at-least-once delivery). @default 0.1 */
  duplicateRate?: number;
  /** Tries per source before the handler dead-letters it (the blob extension's default). @default 5 */
  maxAttempts?: number;
  /** Width of the synthetic photographs. @default 1024 */
  width?: number;
  /** Model folder. @default the shipped default model */
  modelDir?: string;
  /** Seed of the delivery and fault draws. @default 1 */
  seed?: number;
}

/** The figures `drgrade bench blob --json` prints. */
export interface BlobBenchFigures {
  readonly uploaded: number;
  /** Sources with a committed result set of their current version. */
  readonly results: number;
  /** Sources with neither a result nor a dead-letter record: must be 0. */
  readonly lost: number;
  /** Result sets committed more than once for one source version: must be 0. */
  readonly duplicates: number;
  /** Sources dead-lettered during the run (before the replay pass). */
  readonly deadLettered: number;
  /** Of those, sources graded by the replay pass that follows (as an operator would run it). */
  readonly replayed: number;
  readonly imagesPerMinute: number;
  /** Per source, first try to final outcome, without time queued for a free worker (see `chain`). */
  readonly p50LatencyMs: number;
  readonly p95LatencyMs: number;
  /** Peak resident memory of this (grading) process; Azurite and the inference server run in other processes or are excluded. */
  readonly peakRssMb: number;
  /**
   * Work on the photographs, over every delivery of the run (retries and duplicates included) divided by `uploaded`:
   * bytes downloaded from storage, downloads and full decodes. The trigger's own payload is not used (see gradeBlob).
   */
  readonly bytesReadPerPhotograph: number;
  readonly downloadsPerPhotograph: number;
  readonly decodesPerPhotograph: number;
  /** Mean size of an uploaded photograph, to compare `bytesReadPerPhotograph` with. */
  readonly photographBytes: number;
  readonly wallMs: number;
  readonly deliveries: number;
  readonly retries: number;
  readonly statuses: Record<string, number>;
  /** Inference faults injected, by proxy mode. */
  readonly faultCounts: Record<FaultMode, number> | null;
  /** Storage faults injected, by kind (proxy modes, `leaseExpiredMidCommit`, `azuriteRestart`); `null` without `--faults`. */
  readonly storageFaults: Record<string, number> | null;
  /**
   * Sources whose result set is not whole: a committed result JSON without its report or with an output of another
   * source version, or outputs left without a committed JSON. Must be 0.
   */
  readonly halfWritten: number;
  readonly config: { readonly count: number; readonly concurrency: number; readonly faults: boolean; readonly duplicateRate: number; readonly width: number };
}

/**
 * Runs `count` synthetic photographs through a real in-memory Azurite and the blob handler's core with
 * at-least-once delivery: some deliveries duplicated concurrently, transient failures redelivered with back-off as
 * the platform does, the last try dead-lettered by the handler, then one replay pass. Counts what came out.
 */
export async function runBlobBench(options: BlobBenchOptions): Promise<BlobBenchFigures> {
  const concurrency = options.concurrency ?? 2;
  const duplicateRate = options.duplicateRate ?? 0.1;
  const maxAttempts = options.maxAttempts ?? 5;
  const width = options.width ?? 1024;
  const random = mulberry32(options.seed ?? 1);
  // On disk when faults are injected, so the data survives the restart.
  const azurite = await startAzurite({ persistence: options.faults ? 'disk' : 'memory' });
  let inference: RunningInferenceServer | undefined;
  let proxy: FaultyProxy | undefined;
  let storageProxy: FaultyProxy | undefined;
  let rssTimer: NodeJS.Timeout | undefined;
  try {
    const env: Record<string, string | undefined> = { FundusStorage: azurite.connectionString, DRGRADE_MODEL_DIR: options.modelDir };
    if (options.faults) {
      inference = await startInferenceServer({ settings: { ...defaultServerSettings, modelDir: env.DRGRADE_MODEL_DIR, port: 0 }, noAuth: true, modelName: 'drgrade' });
      await inference.ready;
      proxy = await startFaultyProxy({ target: inference.url, mode: 'random', rates: { down: 0.1, stall: 0.05, error500: 0.05, garbage: 0.1 }, random });
      env.DRGRADE_INFERENCE_URL = proxy.url;
      env.DRGRADE_INFERENCE_TIMEOUT_MS = '1500';
    }
    const settings: Settings = readSettings(env);
    // Setup, lease breaking and the final count talk to Azurite directly; the handler goes through the proxy.
    const admin = createBlobServiceClient(settings.storage!, { retry: { maxTries: 3, retryDelayInMs: 100, maxRetryDelayInMs: 1000 } });
    let blobService = admin;
    const leaseFaults = { leaseExpiredMidCommit: 0, azuriteRestart: 0 };
    if (options.faults) {
      storageProxy = await startFaultyProxy({
        target: `http://127.0.0.1:${azurite.port}`,
        mode: 'ok',
        rates: { error500: 0.01, overloaded: 0.01, timeout: 0.005, down: 0.01, drop: 0.01 },
        random: mulberry32((options.seed ?? 1) + 7),
        // The handler renews its source lock right before committing; breaking the lease first makes it lapse mid-commit.
        beforeForward: async (req) => {
          if (req.headers['x-ms-lease-action'] !== 'renew' || random() >= 0.2) return;
          const [, , container, ...blob] = decodeURIComponent(new URL(req.url ?? '/', 'http://proxy').pathname).split('/');
          await admin.getContainerClient(container ?? '').getBlobClient(blob.join('/')).getBlobLeaseClient().breakLease(0);
          leaseFaults.leaseExpiredMidCommit++;
        },
      });
      const viaProxy = azurite.connectionString.replace(azurite.blobEndpoint, `${storageProxy.url}/devstoreaccount1`);
      // No stalls here: the SDK's tryTimeoutInMs is only a server-side hint, so a stalled connection would hold a
      // delivery until the host's function timeout (10 min). Storage timeouts are injected as Azure answers them.
      blobService = createBlobServiceClient({ kind: 'connectionString', connectionString: viaProxy }, { retry: { maxTries: 3, retryDelayInMs: 100, maxRetryDelayInMs: 1000 } });
    }
    await Promise.all([settings.incomingContainer, settings.resultsContainer, settings.poisonContainer].map((c) => admin.getContainerClient(c).createIfNotExists()));

    // A small pool of distinct photographs; each source is its own blob (name), as partners upload them.
    const pool = await Promise.all(Array.from({ length: Math.min(options.count, 8) }, (_, i) => encodeJpeg(synthFundus({ seed: 1000 + i, width }).image)));
    const names = Array.from({ length: options.count }, (_, i) => `bench/site-${i % 10}/photo-${String(i).padStart(5, '0')}.jpg`);
    let uploadedBytes = 0;
    await forEachConcurrently(names.entries(), 8, async ([i, name]) => {
      const bytes = pool[i % pool.length]!;
      uploadedBytes += bytes.byteLength;
      await admin.getContainerClient(settings.incomingContainer).getBlockBlobClient(name).upload(bytes, bytes.byteLength, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });
    });

    let peakRss = process.memoryUsage.rss();
    rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
    const grade = gradeBytesFor(settings);
    const deps = { blobService, settings, grade };
    const slots = new Semaphore(concurrency);
    const written = new Map<string, number>();
    const statuses: Record<string, number> = {};
    const latencies: number[] = [];
    let deliveries = 0;
    let retries = 0;
    let deadLettered = 0;

    /**
     * One delivery chain: try, and on a transient failure wait and redeliver, like the platform. Its latency is
     * the time from the first try to the final outcome minus the time spent waiting for a free worker: processing,
     * retries, back-off and lock waits count; the backlog of the burst upload does not.
     */
    const chain = async (name: string): Promise<{ outcome: GradeBlobOutcome | null; latencyMs: number }> => {
      let started = 0;
      let queuedMs = 0;
      const latency = () => performance.now() - started - queuedMs;
      for (let attempt = 0; ; attempt++) {
        const waitFrom = performance.now();
        await slots.acquire();
        if (started === 0) started = performance.now();
        else queuedMs += performance.now() - waitFrom;
        deliveries++;
        try {
          return { outcome: await gradeBlob(name, deps, { maxAttempts, lock: { waitMs: 600_000 }, counter: work }), latencyMs: latency() };
        } catch (error) {
          if (!isDrgradeError(error) || !error.transient) throw error;
          // The platform keeps redelivering for hours; the bench gives up after a few tries and a minute, which
          // outlasts the storage outage it injects.
          if (attempt >= maxAttempts + 2 && performance.now() - started > 60_000) return { outcome: null, latencyMs: latency() };
          retries++;
        } finally {
          slots.release();
        }
        await sleep(Math.min(2_000, 100 * 2 ** attempt) * (0.5 + random() / 2));
      }
    };

    const work = createDecodeCounter();
    const t0 = performance.now();
    if (storageProxy) storageProxy.mode = 'random';
    let finished = 0;
    let outage: Promise<void> | undefined;
    await Promise.all(
      names.map(async (name) => {
        const copies = random() < duplicateRate ? 2 : 1;
        const outcomes = await Promise.all(Array.from({ length: copies }, () => chain(name).catch((error: unknown) => ({ outcome: { action: 'error', code: toDrgradeError(error).code } as unknown as GradeBlobOutcome, latencyMs: 0 }))));
        latencies.push(Math.max(...outcomes.map((o) => o.latencyMs)));
        // A third of the way through, storage goes down for 1.5 s and comes back (same port, same data).
        if (options.faults && ++finished === Math.ceil(names.length / 3)) {
          leaseFaults.azuriteRestart++;
          outage = azurite.restart(1500);
        }
        for (const { outcome } of outcomes) {
          if (!outcome) continue;
          if (outcome.action === 'written') {
            written.set(name, (written.get(name) ?? 0) + 1);
            statuses[outcome.status ?? 'unknown'] = (statuses[outcome.status ?? 'unknown'] ?? 0) + 1;
          }
          if (outcome.action === 'dead-lettered') deadLettered++;
        }
      }),
    );
    await outage;
    const wallMs = performance.now() - t0;

    let replayed = 0;
    if (deadLettered > 0) {
      if (proxy) proxy.mode = 'ok';
      if (storageProxy) storageProxy.mode = 'ok';
      replayed = (await replayDeadLetters(deps, { concurrency })).replayed;
    }
    clearInterval(rssTimer);

    // Count from storage, directly, not from what the handler said.
    const results = admin.getContainerClient(settings.resultsContainer);
    const incoming = admin.getContainerClient(settings.incomingContainer);
    let committed = 0;
    let lost = 0;
    let halfWritten = 0;
    const deadLetters = new DeadLetterStore(admin.getContainerClient(settings.poisonContainer));
    await forEachConcurrently(names, 8, async (name) => {
      const outputs = containerLayout.outputNames(name);
      const [source, result, annotated, enhanced, report] = await Promise.all([
        incoming.getBlobClient(name).getProperties(),
        ...[outputs.result, outputs.annotated, outputs.enhanced, outputs.report].map((n) => results.getBlobClient(n).getProperties().catch(() => null)),
      ]);
      const versionOf = (p: typeof result) => p?.metadata?.[containerLayout.metadata.sourceEtag];
      if (result) {
        const others = [annotated, enhanced, report].filter((p) => p !== null);
        if (!report || others.some((p) => versionOf(p) !== versionOf(result))) halfWritten++;
      } else if (annotated || enhanced || report) halfWritten++;
      if (result && versionOf(result) === source.etag) committed++;
      else if (!(await deadLetters.read(name))) lost++;
    });
    const duplicates = [...written.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    latencies.sort((a, b) => a - b);
    return {
      uploaded: names.length,
      results: committed,
      lost,
      duplicates,
      deadLettered,
      replayed,
      imagesPerMinute: round1((committed / wallMs) * 60_000),
      p50LatencyMs: Math.round(quantile(latencies, 0.5)),
      p95LatencyMs: Math.round(quantile(latencies, 0.95)),
      peakRssMb: Math.round(peakRss / (1024 * 1024)),
      bytesReadPerPhotograph: Math.round(work.bytesRead / names.length),
      downloadsPerPhotograph: round2(work.downloads / names.length),
      decodesPerPhotograph: round2(work.decodes / names.length),
      photographBytes: Math.round(uploadedBytes / names.length),
      wallMs: Math.round(wallMs),
      deliveries,
      retries,
      statuses,
      faultCounts: proxy ? { ...proxy.counts } : null,
      storageFaults: storageProxy ? storageFaultCounts(storageProxy.counts, leaseFaults) : null,
      halfWritten,
      config: { count: options.count, concurrency, faults: options.faults ?? false, duplicateRate, width },
    };
  } finally {
    clearInterval(rssTimer);
    await closeSharedGraders();
    await proxy?.close();
    await storageProxy?.close();
    await inference?.close();
    await azurite.stop();
  }
}

function storageFaultCounts(counts: Record<FaultMode, number>, others: Record<string, number>): Record<string, number> {
  const { error500, overloaded, timeout, down, drop } = counts;
  return { error500, status503: overloaded, timeout, connectionReset: down, responseDropped: drop, ...others };
}

class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(slots: number) {
    this.#free = Math.max(1, slots);
  }
  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
