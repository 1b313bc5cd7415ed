import { readSettings, type Settings } from '../config/settings.js';
import { isDrgradeError, toDrgradeError } from '../errors.js';
import { encodeJpeg } from '../image/encodeImage.js';
import { defaultServerSettings } from '../inference/serverSettings.js';
import { startInferenceServer, type RunningInferenceServer } from '../inference/startInferenceServer.js';
import { containerLayout } from '../storage/containerLayout.js';
import { createBlobServiceClient } from '../storage/createBlobServiceClient.js';
import { DeadLetterStore } from '../storage/DeadLetterStore.js';
import { startAzurite } from '../storage/startAzurite.js';
import { mulberry32 } from '../synth/mulberry32.js';
import { synthFundus } from '../synth/synthFundus.js';
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
  /** Route inference through a proxy that fails, stalls and returns garbage part of the time. @default false */
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
  readonly wallMs: number;
  readonly deliveries: number;
  readonly retries: number;
  readonly statuses: Record<string, number>;
  readonly faultCounts: Record<FaultMode, number> | null;
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
  const azurite = await startAzurite();
  let inference: RunningInferenceServer | undefined;
  let proxy: FaultyProxy | undefined;
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
    const blobService = createBlobServiceClient(settings.storage!, { retry: { maxTries: 3, retryDelayInMs: 100, maxRetryDelayInMs: 1000 } });
    await Promise.all([settings.incomingContainer, settings.resultsContainer, settings.poisonContainer].map((c) => blobService.getContainerClient(c).createIfNotExists()));

    // A small pool of distinct photographs; each source is its own blob (name), as partners upload them.
    const pool = await Promise.all(Array.from({ length: Math.min(options.count, 8) }, (_, i) => encodeJpeg(synthFundus({ seed: 1000 + i, width }).image)));
    const names = Array.from({ length: options.count }, (_, i) => `bench/site-${i % 10}/photo-${String(i).padStart(5, '0')}.jpg`);
    await forEachLimited(names, 8, async (name, i) => {
      const bytes = pool[i % pool.length]!;
      await blobService.getContainerClient(settings.incomingContainer).getBlockBlobClient(name).upload(bytes, bytes.byteLength, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });
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
          return { outcome: await gradeBlob(name, deps, { maxAttempts, lock: { waitMs: 600_000 } }), latencyMs: latency() };
        } catch (error) {
          if (!isDrgradeError(error) || !error.transient) throw error;
          if (attempt >= maxAttempts + 2) return { outcome: null, latencyMs: latency() };
          retries++;
        } finally {
          slots.release();
        }
        await sleep(Math.min(2_000, 100 * 2 ** attempt) * (0.5 + random() / 2));
      }
    };

    const t0 = performance.now();
    await Promise.all(
      names.map(async (name) => {
        const copies = random() < duplicateRate ? 2 : 1;
        const outcomes = await Promise.all(Array.from({ length: copies }, () => chain(name).catch((error: unknown) => ({ outcome: { action: 'error', code: toDrgradeError(error).code } as unknown as GradeBlobOutcome, latencyMs: 0 }))));
        latencies.push(Math.max(...outcomes.map((o) => o.latencyMs)));
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
    const wallMs = performance.now() - t0;

    let replayed = 0;
    if (deadLettered > 0) {
      if (proxy) proxy.mode = 'ok';
      replayed = (await replayDeadLetters(deps, { concurrency })).replayed;
    }
    clearInterval(rssTimer);

    // Count from storage, not from what the handler said.
    const results = blobService.getContainerClient(settings.resultsContainer);
    const incoming = blobService.getContainerClient(settings.incomingContainer);
    let committed = 0;
    let lost = 0;
    const deadLetters = new DeadLetterStore(blobService.getContainerClient(settings.poisonContainer));
    await forEachLimited(names, 8, async (name) => {
      const [result, source] = await Promise.all([
        results.getBlobClient(containerLayout.outputNames(name).result).getProperties().catch(() => null),
        incoming.getBlobClient(name).getProperties(),
      ]);
      if (result && result.metadata?.[containerLayout.metadata.sourceEtag] === source.etag) committed++;
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
      wallMs: Math.round(wallMs),
      deliveries,
      retries,
      statuses,
      faultCounts: proxy ? { ...proxy.counts } : null,
      config: { count: options.count, concurrency, faults: options.faults ?? false, duplicateRate, width },
    };
  } finally {
    clearInterval(rssTimer);
    await closeSharedGraders();
    await proxy?.close();
    await inference?.close();
    await azurite.stop();
  }
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

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  }));
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
