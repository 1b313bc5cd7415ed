import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/config/settings.js';
import { createGradeIncomingBlob } from '../../functions/gradeIncomingBlob.js';
import { isDrgradeError, type DrgradeError } from '../../shared/errors.js';
import type { RunningInferenceServer } from '../../shared/inference/startInferenceServer.js';
import type { GradeBlobOutcome } from '../../shared/service/gradeBlob.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { startFaultyProxy, type FaultMode, type FaultyProxy } from '../../shared/service/startFaultyProxy.js';
import { AttemptLedger } from '../../shared/storage/AttemptLedger.js';
import { createBlobServiceClient } from '../../shared/storage/createBlobServiceClient.js';
import { DeadLetterStore } from '../../shared/storage/DeadLetterStore.js';
import { startAzurite, type TestAzurite } from '../helpers/azurite.js';
import { blobContext, fingerprint, fundusJpeg, readResult, testSettings, upload } from './blobTestKit.js';
import { startTinyInferenceServer } from './inferenceKit.js';

let azurite: TestAzurite;
let inference: RunningInferenceServer;
let photo: Buffer;
const proxies: FaultyProxy[] = [];

beforeAll(async () => {
  [azurite, inference, photo] = await Promise.all([startAzurite(), startTinyInferenceServer(), fundusJpeg(21)]);
  await azurite.blobService.getContainerClient('fundus-incoming').create();
});
afterAll(async () => {
  await closeSharedGraders();
  await Promise.all(proxies.map((p) => p.close()));
  await inference?.close();
  await azurite?.stop();
});

/** A fresh misbehaving endpoint (and so a fresh grader with a closed circuit) in front of the real server. */
async function endpoint(mode: FaultMode): Promise<{ proxy: FaultyProxy; settings: Settings }> {
  const proxy = await startFaultyProxy({ target: inference.url, mode });
  proxies.push(proxy);
  const settings = testSettings(azurite.connectionString, { DRGRADE_INFERENCE_URL: proxy.url, DRGRADE_INFERENCE_TIMEOUT_MS: '400' });
  return { proxy, settings };
}

async function deliver(settings: Settings, name: string, maxAttempts = 5, blobService = azurite.blobService): Promise<GradeBlobOutcome | DrgradeError> {
  const handler = createGradeIncomingBlob(settings, { blobService, options: { maxAttempts } });
  const { context, logs } = blobContext(name);
  try {
    return (await handler(Buffer.alloc(0), context)) as GradeBlobOutcome;
  } catch (error) {
    if (!isDrgradeError(error)) throw error;
    return error;
  } finally {
    expect(logs.join('\n')).not.toContain(name.split('/').pop()!);
  }
}

describe('blob trigger against a misbehaving GPU endpoint', () => {
  it('grades remotely when the endpoint behaves', async () => {
    const { settings } = await endpoint('ok');
    await upload(azurite.blobService, 'fundus-incoming', 'remote/ok.jpg', photo);
    const outcome = await deliver(settings, 'remote/ok.jpg');
    expect(outcome).toMatchObject({ action: 'written', status: 'graded' });
    const result = (await readResult(azurite.blobService, 'fundus-results', 'remote/ok.jpg'))!;
    expect((result.provenance as { executionProvider: string }).executionProvider).toMatch(/^remote:/);
  });

  it.each([
    ['down', ['INFERENCE_UNAVAILABLE', 'CIRCUIT_OPEN']],
    ['stall', ['INFERENCE_TIMEOUT', 'CIRCUIT_OPEN']],
    ['error500', ['INFERENCE_UNAVAILABLE', 'INFERENCE_BAD_RESPONSE', 'CIRCUIT_OPEN']],
    ['overloaded', ['INFERENCE_OVERLOADED', 'INFERENCE_UNAVAILABLE', 'CIRCUIT_OPEN']],
    ['garbage', ['INFERENCE_BAD_RESPONSE', 'CIRCUIT_OPEN']],
  ] as const)('throws a transient error when the endpoint is %s, writes nothing and counts the try', async (mode, codes) => {
    const { settings } = await endpoint(mode);
    const name = `remote/${mode}.jpg`;
    const source = await upload(azurite.blobService, 'fundus-incoming', name, photo);
    const outcome = await deliver(settings, name);
    expect(isDrgradeError(outcome)).toBe(true);
    const error = outcome as DrgradeError;
    expect(error.transient).toBe(true);
    expect(codes).toContain(error.code);
    expect(await readResult(azurite.blobService, 'fundus-results', name)).toBeNull();
    expect((await new AttemptLedger(azurite.blobService.getContainerClient('fundus-poison')).read(name))?.count).toBe(1);
    expect(await fingerprint(azurite.blobService, 'fundus-incoming', name)).toEqual(source);
  });

  it('dead-letters the last try with replay context, returns normally, and a replay after recovery grades it', async () => {
    const { proxy, settings } = await endpoint('down');
    const name = 'remote/poisoned eye.jpg';
    const source = await upload(azurite.blobService, 'fundus-incoming', name, photo);
    expect(isDrgradeError(await deliver(settings, name, 3))).toBe(true);
    expect(isDrgradeError(await deliver(settings, name, 3))).toBe(true);
    const last = await deliver(settings, name, 3);
    expect(last).toMatchObject({ action: 'dead-lettered' });

    const poison = azurite.blobService.getContainerClient('fundus-poison');
    const stored = (await new DeadLetterStore(poison).read(name))!;
    expect(stored.record).toMatchObject({ container: 'fundus-incoming', name, sourceEtag: source.etag, sourceSha256: source.sha256, attempts: 3, error: { transient: true } });
    expect(stored.record.replay.command).toContain('drgrade replay');
    expect(await new AttemptLedger(poison).read(name)).toBeNull();
    expect(await readResult(azurite.blobService, 'fundus-results', name)).toBeNull();

    // The endpoint recovers; replay (what `drgrade replay --poisoned` does) grades it and clears the record.
    proxy.mode = 'ok';
    const { replayDeadLetters } = await import('../../shared/service/replayDeadLetters.js');
    const { gradeBytesFor } = await import('../../shared/service/gradeBytesFor.js');
    const healthy = testSettings(azurite.connectionString, { DRGRADE_INFERENCE_URL: (await endpoint('ok')).proxy.url });
    const summary = await replayDeadLetters({ blobService: azurite.blobService, settings: healthy, grade: gradeBytesFor(healthy) }, { prefix: 'remote/poisoned' });
    expect(summary).toMatchObject({ replayed: 1, failed: 0 });
    expect(((await readResult(azurite.blobService, 'fundus-results', name))!).status).toBe('graded');
    expect(await new DeadLetterStore(poison).read(name)).toBeNull();
    expect(await fingerprint(azurite.blobService, 'fundus-incoming', name)).toEqual(source);
  });

  it('leaves no half-written result set behind when it gives up: outputs without their JSON are removed', async () => {
    const { settings } = await endpoint('down');
    const name = 'remote/half written.jpg';
    await upload(azurite.blobService, 'fundus-incoming', name, photo);
    // What an earlier delivery leaves when its images were written and its commit failed (storage fault, lost lease).
    const { containerLayout } = await import('../../shared/storage/containerLayout.js');
    const outputs = containerLayout.outputNames(name);
    const results = azurite.blobService.getContainerClient('fundus-results');
    await results.createIfNotExists();
    for (const orphan of [outputs.annotated, outputs.enhanced, outputs.report]) await results.getBlockBlobClient(orphan).upload('orphan', 6);
    expect(await deliver(settings, name, 1)).toMatchObject({ action: 'dead-lettered' });
    expect(await readResult(azurite.blobService, 'fundus-results', name)).toBeNull();
    for (const orphan of [outputs.annotated, outputs.enhanced, outputs.report, outputs.fhir]) expect(await results.getBlobClient(orphan).exists()).toBe(false);
  });

  it('uses the runtime retry context when one is given: only the final retry dead-letters', async () => {
    const { settings } = await endpoint('error500');
    const name = 'remote/retry-context.jpg';
    await upload(azurite.blobService, 'fundus-incoming', name, photo);
    const handler = createGradeIncomingBlob(settings, { blobService: azurite.blobService });
    const first = blobContext(name, 'fundus-incoming', { retryCount: 0, maxRetryCount: 2 });
    await expect(handler(Buffer.alloc(0), first.context)).rejects.toMatchObject({ transient: true });
    const final = blobContext(name, 'fundus-incoming', { retryCount: 2, maxRetryCount: 2 });
    expect(await handler(Buffer.alloc(0), final.context)).toMatchObject({ action: 'dead-lettered' });
  });

  it.each([['overloaded'], ['down']] as const)('throws STORAGE_TRANSIENT when storage is %s (throttling, outage) and loses nothing', async (mode) => {
    const name = `storage/${mode}.jpg`;
    const source = await upload(azurite.blobService, 'fundus-incoming', name, photo);
    const storageProxy = await startFaultyProxy({ target: azurite.blobEndpoint.replace(/\/devstoreaccount1$/, ''), mode: 'ok' });
    proxies.push(storageProxy);
    const viaProxy = createBlobServiceClient(
      { kind: 'connectionString', connectionString: azurite.connectionString.replace(azurite.blobEndpoint, `${storageProxy.url}/devstoreaccount1`) },
      { retry: { maxTries: 1 } },
    );
    const settings = testSettings(azurite.connectionString);
    // Containers exist (made through the proxy while it behaves); then the account starts failing.
    await viaProxy.getContainerClient('fundus-results').createIfNotExists();
    storageProxy.mode = mode;
    const outcome = await deliver(settings, name, 5, viaProxy);
    expect(isDrgradeError(outcome, 'STORAGE_TRANSIENT')).toBe(true);
    storageProxy.mode = 'ok';
    expect(await readResult(azurite.blobService, 'fundus-results', name)).toBeNull();
    expect(await fingerprint(azurite.blobService, 'fundus-incoming', name)).toEqual(source);
    // Once storage answers again the next delivery completes.
    expect(await deliver(settings, name, 5, viaProxy)).toMatchObject({ action: 'written' });
  });
});
