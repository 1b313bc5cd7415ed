import { app, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import type { BlobServiceClient } from '@azure/storage-blob';
import { readSettings, type Settings } from '../shared/config/settings.js';
import { DrgradeError, toDrgradeError } from '../shared/errors.js';
import { DriftStore } from '../shared/drift/DriftStore.js';
import { problemResponse } from '../shared/http/problemResponse.js';
import { sharedBlobServiceClient } from '../shared/storage/sharedBlobServiceClient.js';

/** Overrides of {@link createDriftHttp}. */
export interface DriftHttpDeps {
  /** @default the process's shared client for `settings.storage` */
  readonly blobService?: BlobServiceClient;
}

/** Builds `GET /api/drift`: the latest daily drift report (by site and by camera), or 404 before the first run. */
export function createDriftHttp(settings: Settings, deps: DriftHttpDeps = {}): HttpHandler {
  return async (_request, context): Promise<HttpResponseInit> => {
    try {
      if (!deps.blobService && !settings.storage) throw new DrgradeError('NOT_FOUND', 'Expected a drift report but no storage is configured');
      const service = deps.blobService ?? sharedBlobServiceClient(settings.storage!, settings.storageTimeoutMs);
      const latest = await new DriftStore(service.getContainerClient(settings.resultsContainer)).latest();
      if (!latest) throw new DrgradeError('NOT_FOUND', 'Expected a drift report but none has been written yet (the daily run writes the first)');
      return { status: 200, headers: { 'cache-control': 'no-store' }, jsonBody: latest };
    } catch (error) {
      return problemResponse(toDrgradeError(error), { instance: `urn:uuid:${context.invocationId}` });
    }
  };
}

/** Settings, read once when the host loads this module. */
const settings = readSettings();

/** The registered handler. */
export const driftHttp = createDriftHttp(settings);

app.http('driftHttp', { route: 'drift', methods: ['GET'], authLevel: 'function', handler: driftHttp });
