import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGradeIncomingBlob } from '../../functions/gradeIncomingBlob.js';
import { readSettings, type Settings } from '../../shared/config/settings.js';
import { isDrgradeError } from '../../shared/errors.js';
import type { GradeBlobOutcome } from '../../shared/service/gradeBlob.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { startFaultyProxy, type FaultyProxy } from '../../shared/service/startFaultyProxy.js';
import { createBlobServiceClient } from '../../shared/storage/createBlobServiceClient.js';
import { tinyModelDir } from '../fixtures/tiny-model/tinyModel.js';
import { startAzurite, type TestAzurite } from '../helpers/azurite.js';
import { blobContext, fundusJpeg, readResult, upload } from './blobTestKit.js';

let azurite: TestAzurite;
let proxy: FaultyProxy;
let settings: Settings;

beforeAll(async () => {
  azurite = await startAzurite();
  const endpoint = /BlobEndpoint=([^;]+)/.exec(azurite.connectionString)![1]!;
  proxy = await startFaultyProxy({ target: new URL(endpoint).origin });
  const viaProxy = azurite.connectionString.replace(new URL(endpoint).origin, proxy.url.replace(/\/$/, ''));
  settings = readSettings({ FundusStorage: viaProxy, DRGRADE_MODEL_DIR: tinyModelDir, DRGRADE_STORAGE_TIMEOUT_MS: '2000' });
  await azurite.blobService.getContainerClient(settings.incomingContainer).create();
});
afterAll(async () => {
  await closeSharedGraders();
  await proxy?.close();
  await azurite?.stop();
});

describe('storage timeout', () => {
  it('reads DRGRADE_STORAGE_TIMEOUT_MS', () => {
    expect(settings.storageTimeoutMs).toBe(2000);
    expect(readSettings({}).storageTimeoutMs).toBe(30_000);
  });

  it('fails a delivery over to a retry when storage hangs, instead of hanging the grade, and grades once it answers', async () => {
    const name = 'site-2/hung-storage.jpg';
    await upload(azurite.blobService, settings.incomingContainer, name, await fundusJpeg(31));
    // The handler's client as the app builds it, with the setting's per-try deadline (short retries for the test).
    const blobService = createBlobServiceClient(settings.storage!, { timeoutMs: settings.storageTimeoutMs, retry: { maxTries: 2, retryDelayInMs: 50, maxRetryDelayInMs: 100 } });
    const handler = createGradeIncomingBlob(settings, { blobService, options: { maxAttempts: 3, lock: { waitMs: 30_000 } } });

    proxy.mode = 'stall';
    const failure = await Promise.resolve(handler(Buffer.alloc(0), blobContext(name, settings.incomingContainer).context)).then(() => null, (error: unknown) => error);
    expect(isDrgradeError(failure) && failure.transient).toBe(true);
    expect(isDrgradeError(failure) && failure.code).toBe('STORAGE_TRANSIENT');
    expect(proxy.counts.stall).toBeGreaterThan(0);

    // Storage answers again: a redelivery (here with the default 30 s deadline, as a busy CI machine may need) grades it.
    proxy.mode = 'ok';
    const recovered = createGradeIncomingBlob(settings, { blobService: createBlobServiceClient(settings.storage!, { timeoutMs: 30_000 }), options: { maxAttempts: 3, lock: { waitMs: 30_000 } } });
    const outcome = (await recovered(Buffer.alloc(0), blobContext(name, settings.incomingContainer).context)) as GradeBlobOutcome;
    expect(outcome.action).toBe('written');
    expect(await readResult(azurite.blobService, settings.resultsContainer, name)).not.toBeNull();
  });
});
