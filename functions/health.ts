import { app, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import type { BlobServiceClient } from '@azure/storage-blob';
import { readSettings, type Settings } from '../shared/config/settings.js';
import type { Grader } from '../shared/grading/Grader.js';
import { checkHealth } from '../shared/service/checkHealth.js';
import { sharedGrader } from '../shared/service/sharedGrader.js';
import { sharedBlobServiceClient } from '../shared/storage/sharedBlobServiceClient.js';

/** Overrides of {@link createHealth}. */
export interface HealthDepsOverrides {
  /** @default the process's shared client for `settings.storage` (none when not configured) */
  readonly blobService?: BlobServiceClient;
  /** @default the process's shared grader */
  readonly grader?: () => Promise<Grader>;
  /** Bound on each probe. @default 5000 */
  readonly probeTimeoutMs?: number;
}

/**
 * Builds `GET /api/health`: 200 when storage (if configured) and inference are ready, else 503, with the same body
 * shape either way. Anonymous: it reveals readiness and the model name, nothing else.
 */
export function createHealth(settings: Settings, deps: HealthDepsOverrides = {}): HttpHandler {
  return async (): Promise<HttpResponseInit> => {
    const report = await checkHealth(
      {
        blobService: deps.blobService ?? (settings.storage ? sharedBlobServiceClient(settings.storage, settings.storageTimeoutMs) : undefined),
        resultsContainer: settings.resultsContainer,
        inferenceMode: settings.inferenceUrl ? 'remote' : 'local',
        grader: deps.grader ?? (() => sharedGrader(settings)),
      },
      deps.probeTimeoutMs === undefined ? {} : { timeoutMs: deps.probeTimeoutMs },
    );
    return { status: report.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' }, jsonBody: report };
  };
}

/** Settings, read once when the host loads this module. */
const settings = readSettings();

/** The registered handler. */
export const health = createHealth(settings);

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: health });
