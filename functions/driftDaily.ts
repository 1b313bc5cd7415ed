import { app, type InvocationContext, type Timer } from '@azure/functions';
import type { BlobServiceClient } from '@azure/storage-blob';
import { readSettings, type Settings } from '../shared/config/settings.js';
import { DrgradeError } from '../shared/errors.js';
import type { DriftReference } from '../shared/drift/DriftReference.js';
import { DriftStore } from '../shared/drift/DriftStore.js';
import { emitDriftMetrics } from '../shared/drift/emitDriftMetrics.js';
import { readDriftReference } from '../shared/drift/readDriftReference.js';
import { sharedBlobServiceClient } from '../shared/storage/sharedBlobServiceClient.js';

/** Overrides of {@link createDriftDaily}. */
export interface DriftDailyDeps {
  /** @default the process's shared client for `settings.storage` */
  readonly blobService?: BlobServiceClient;
  /** @default the shipped model's reference statistics */
  readonly reference?: () => Promise<DriftReference>;
  readonly now?: () => Date;
}

/**
 * Builds the daily drift timer: computes drift by site and camera over the last 30 days of results, writes it to
 * the results container (`_drift/<date>.json`, `_drift/latest.json`), logs one `drgrade.drift` trace line per
 * group (site or camera keys, never names of files or patients) and sends the groups' `drgrade.drift.*` custom
 * metrics to Application Insights (skipped, with one log line, without `APPLICATIONINSIGHTS_CONNECTION_STRING`).
 */
export function createDriftDaily(settings: Settings, deps: DriftDailyDeps = {}) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    if (!deps.blobService && !settings.storage) throw new DrgradeError('STORAGE_FAILED', 'Expected a FundusStorage connection for the drift run but none is configured');
    const service = deps.blobService ?? sharedBlobServiceClient(settings.storage!, settings.storageTimeoutMs);
    const store = new DriftStore(service.getContainerClient(settings.resultsContainer));
    const drift = await store.runDaily(await (deps.reference ?? readDriftReference)(), { ...(deps.now ? { now: deps.now() } : {}) });
    for (const report of [drift.bySite, drift.byCamera]) {
      for (const g of report.groups) {
        context.info('drgrade.drift', JSON.stringify({ event: 'drift', by: report.by, key: g.key, n: g.n, ungradableRate: g.ungradableRate, referableRate: g.referableRate, psi: g.psi, alarm: g.alarm }));
      }
    }
    context.info('drgrade.drift', JSON.stringify({ event: 'drift-run', results: drift.results, alarms: [...drift.bySite.groups, ...drift.byCamera.groups].filter((g) => g.alarm).length }));
    const metrics = await emitDriftMetrics([drift.bySite, drift.byCamera], {
      connectionString: settings.applicationInsightsConnectionString,
      authentication: settings.applicationInsightsAuthentication,
    });
    if (metrics.status === 'skipped') context.info('drgrade.drift', JSON.stringify({ event: 'drift-metrics', skipped: metrics.reason }));
    else {
      const line = JSON.stringify({ event: 'drift-metrics', status: metrics.status, metrics: metrics.metrics, response: metrics.response.slice(0, 300) });
      if (metrics.status === 'sent') context.info('drgrade.drift', line);
      else context.warn('drgrade.drift', line);
    }
  };
}

/** Settings, read once when the host loads this module. */
const settings = readSettings();

/** The registered handler. */
export const driftDaily = createDriftDaily(settings);

// 03:15 UTC every day, after the night's uploads.
app.timer('driftDaily', { schedule: '0 15 3 * * *', handler: driftDaily });
