import type { BlobServiceClient } from '@azure/storage-blob';
import { researchDisclaimer } from '../grading/GradeResult.js';
import type { Grader } from '../grading/Grader.js';

/** The `GET /api/health` body. */
export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly storage: { readonly configured: boolean; readonly ready: boolean };
  readonly inference: { readonly mode: 'remote' | 'local'; readonly ready: boolean; readonly model: string | null };
  readonly disclaimer: string;
}

/** What {@link checkHealth} probes. */
export interface HealthDeps {
  /** `undefined` when no storage is configured (HTTP-only use): then storage does not count against readiness. */
  readonly blobService: BlobServiceClient | undefined;
  readonly resultsContainer: string;
  readonly inferenceMode: 'remote' | 'local';
  /** The process's grader (created on first use). */
  readonly grader: () => Promise<Grader>;
}

/**
 * Probes storage (the results container answers) and inference (`grader.ready()`), each bounded by `timeoutMs`
 * so the probe itself never hangs. `status` is `ok` only when both are ready.
 */
export async function checkHealth(deps: HealthDeps, options: { timeoutMs?: number } = {}): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const storageProbe = deps.blobService
    ? bounded(deps.blobService.getContainerClient(deps.resultsContainer).exists(), timeoutMs)
    : Promise.resolve(true);
  const inferenceProbe = bounded(
    deps.grader().then(async (grader) => ({ ready: await grader.ready(), model: `${grader.manifest.name} ${grader.manifest.version}` })),
    timeoutMs,
  );
  const [storageReady, inference] = await Promise.all([storageProbe, inferenceProbe]);
  const inferenceReady = typeof inference === 'object' && inference.ready;
  return {
    status: storageReady === true && inferenceReady ? 'ok' : 'unavailable',
    storage: { configured: deps.blobService !== undefined, ready: storageReady === true },
    inference: { mode: deps.inferenceMode, ready: inferenceReady, model: typeof inference === 'object' ? inference.model : null },
    disclaimer: researchDisclaimer,
  };
}

/** Resolves to the probe's value, or `false` on failure or after `timeoutMs`. */
async function bounded<T>(probe: Promise<T>, timeoutMs: number): Promise<T | false> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([probe.catch(() => false as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
