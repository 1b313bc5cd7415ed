import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { readSettings, type Settings } from '../../shared/config/settings.js';
import { createHealth } from '../../functions/health.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { startFaultyProxy, type FaultyProxy } from '../../shared/service/startFaultyProxy.js';
import { startAzurite, type TestAzurite } from '../helpers/azurite.js';
import { tinyModelDir } from '../fixtures/tiny-model/tinyModel.js';

let azurite: TestAzurite;
const proxies: FaultyProxy[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
  await azurite.blobService.getContainerClient('fundus-results').create();
});
afterAll(async () => {
  await closeSharedGraders();
  await Promise.all(proxies.map((p) => p.close()));
  await azurite?.stop();
});

async function probe(settings: Settings, deps: Parameters<typeof createHealth>[1] = {}) {
  const handler = createHealth(settings, { probeTimeoutMs: 2_000, ...deps });
  const init = (await handler(new HttpRequest({ method: 'GET', url: 'http://localhost/api/health' }), new InvocationContext())) as HttpResponseInit;
  const response = new HttpResponse(init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /api/health', () => {
  it('is 200 ok when storage and the in-process model are ready', async () => {
    const settings = readSettings({ FundusStorage: azurite.connectionString, DRGRADE_MODEL_DIR: tinyModelDir });
    const { status, body } = await probe(settings);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', storage: { configured: true, ready: true }, inference: { mode: 'local', ready: true, model: 'drgrade-tiny 0.0.1' } });
  });

  it('is 503 when the remote inference endpoint is down', async () => {
    const proxy = await startFaultyProxy({ target: 'http://127.0.0.1:9', mode: 'down' });
    proxies.push(proxy);
    const settings = readSettings({ FundusStorage: azurite.connectionString, DRGRADE_MODEL_DIR: tinyModelDir, DRGRADE_INFERENCE_URL: proxy.url });
    const { status, body } = await probe(settings);
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'unavailable', storage: { ready: true }, inference: { mode: 'remote', ready: false } });
  });

  it('is 503 when storage does not answer', async () => {
    const proxy = await startFaultyProxy({ target: azurite.blobEndpoint, mode: 'stall' });
    proxies.push(proxy);
    const settings = readSettings({ FundusStorage: azurite.connectionString.replace(azurite.blobEndpoint, `${proxy.url}/devstoreaccount1`), DRGRADE_MODEL_DIR: tinyModelDir });
    const { status, body } = await probe(settings);
    expect(status).toBe(503);
    expect(body).toMatchObject({ storage: { configured: true, ready: false }, inference: { ready: true } });
  });

  it('does not require storage when none is configured (HTTP-only use)', async () => {
    const { status, body } = await probe(readSettings({ DRGRADE_MODEL_DIR: tinyModelDir }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ storage: { configured: false, ready: true } });
  });

  it('is 503 when the model cannot be loaded', async () => {
    const { status, body } = await probe(readSettings({ DRGRADE_MODEL_DIR: '/nonexistent/model' }));
    expect(status).toBe(503);
    expect(body).toMatchObject({ inference: { ready: false, model: null } });
  });
});
