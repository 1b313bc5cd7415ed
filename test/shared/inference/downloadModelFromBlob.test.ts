import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { loadModel } from '../../../shared/grading/loadModel.js';
import { downloadModelFromBlob } from '../../../shared/inference/downloadModelFromBlob.js';
import { defaultServerSettings } from '../../../shared/inference/serverSettings.js';
import { startInferenceServer } from '../../../shared/inference/startInferenceServer.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';
import { startAzurite, type TestAzurite } from '../../helpers/azurite.js';

describe('model from Blob Storage (Azurite)', () => {
  let azurite: TestAzurite;
  let credential: StorageSharedKeyCredential;
  let folderUrl: string;
  let accountUrl: string;
  const temps: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'drgrade-blob-model-'));
    temps.push(dir);
    return dir;
  };

  beforeAll(async () => {
    azurite = await startAzurite();
    const key = /AccountKey=([^;]+)/.exec(azurite.connectionString)![1]!;
    credential = new StorageSharedKeyCredential('devstoreaccount1', key);
    const container = azurite.blobService.getContainerClient('models');
    await container.create();
    for (const file of ['model.json', 'model.onnx']) {
      await container.getBlockBlobClient(`drgrade-tiny/0.0.1/${file}`).uploadFile(join(tinyModelDir, file));
    }
    folderUrl = `${container.url}/drgrade-tiny/0.0.1`;
    accountUrl = azurite.blobService.url;
  });
  afterAll(async () => {
    await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
    await azurite.stop();
  });

  it('downloads both files of the folder, byte for byte', async () => {
    const dir = await downloadModelFromBlob(folderUrl, await tempDir(), credential, accountUrl);
    for (const file of ['model.json', 'model.onnx']) {
      expect((await readFile(join(dir, file))).equals(await readFile(join(tinyModelDir, file)))).toBe(true);
    }
    const model = await loadModel(dir);
    expect(model.manifest.name).toBe('drgrade-tiny');
    await model.session.release();
  });

  it('accepts the URL of a file in the folder', async () => {
    const dir = await downloadModelFromBlob(`${folderUrl}/model.json`, await tempDir(), credential, accountUrl);
    expect((await readFile(join(dir, 'model.onnx'))).length).toBeGreaterThan(1000);
  });

  it('reports a missing folder as MODEL_NOT_FOUND', async () => {
    let error: unknown;
    try {
      await downloadModelFromBlob(`${folderUrl}/../9.9.9`, await tempDir(), credential, accountUrl);
    } catch (e) {
      error = e;
    }
    expect(isDrgradeError(error, 'MODEL_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe('Expected blob model.json in the model folder but received 404 Not Found');
  });

  it.each([
    ['another account on the same host', (url: string) => url.replace('/devstoreaccount1/', '/otheraccount/')],
    ['another host', (url: string) => url.replace('127.0.0.1', 'localhost')],
    ['another port', (url: string) => url.replace(/:(\d+)\//, (_, port: string) => `:${Number(port) + 1}/`)],
    ['a path that climbs out of the account', (url: string) => url.replace('/devstoreaccount1/models/', '/devstoreaccount1/../otheraccount/models/')],
    ['credentials in the URL', (url: string) => url.replace('http://', 'http://user:pass@')],
  ])('refuses a model URL on %s before any request (only the configured account)', async (_, change) => {
    const dir = await tempDir();
    const error = await downloadModelFromBlob(change(folderUrl), dir, credential, accountUrl).catch((e: unknown) => e);
    expect(isDrgradeError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/configured storage account/);
  });

  it('refuses any model URL when no account is configured', async () => {
    const error = await downloadModelFromBlob(folderUrl, await tempDir(), credential, undefined).catch((e: unknown) => e);
    expect(isDrgradeError(error, 'INVALID_ARGUMENT')).toBe(true);
    const running = await startInferenceServer({ settings: { ...defaultServerSettings, modelUrl: folderUrl, port: 0 }, noAuth: true, credential });
    try {
      await expect(running.ready).rejects.toThrow(/DRGRADE_MODEL_ACCOUNT_URL/);
    } finally {
      await running.close();
    }
  });

  it('serves a model taken from a blob URL, downloaded into DRGRADE_MODEL_DIR as infra sets it', async () => {
    const modelDir = join(await tempDir(), 'drgrade-model');
    const running = await startInferenceServer({
      settings: { ...defaultServerSettings, modelUrl: folderUrl, modelAccountUrl: accountUrl, modelDir, port: 0 },
      noAuth: true,
      credential,
      intraOpNumThreads: 1,
    });
    try {
      await running.ready;
      const response = await fetch(`${running.url}/v2/models/drgrade`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { parameters: { manifest_name: string } }).parameters.manifest_name).toBe('drgrade-tiny');
      expect((await readFile(join(modelDir, 'model.onnx'))).equals(await readFile(join(tinyModelDir, 'model.onnx')))).toBe(true);
    } finally {
      await running.close();
    }
  });
});
