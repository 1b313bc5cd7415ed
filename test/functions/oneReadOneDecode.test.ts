import { BlobServiceClient, newPipeline, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/config/settings.js';
import { createGradeIncomingBlob } from '../../functions/gradeIncomingBlob.js';
import { createDecodeCounter } from '../../shared/image/DecodeCounter.js';
import type { GradeBlobOutcome } from '../../shared/service/gradeBlob.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { startAzurite, type TestAzurite } from '../helpers/azurite.js';
import { blobContext, fundusJpeg, readResult, testSettings, upload } from './blobTestKit.js';

let azurite: TestAzurite;
let settings: Settings;
/** Every request the handler's client sent, as `METHOD path?query`. */
const requests: string[] = [];
let handlerService: BlobServiceClient;

beforeAll(async () => {
  azurite = await startAzurite();
  settings = testSettings(azurite.connectionString);
  // The handler's own client, over real HTTP, recording each request it sends (a policy at the head of its pipeline).
  const fields = Object.fromEntries(azurite.connectionString.split(';').filter(Boolean).map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]));
  const pipeline = newPipeline(new StorageSharedKeyCredential(fields.AccountName!, fields.AccountKey!));
  pipeline.factories.unshift({
    create: (next) => ({
      sendRequest: (request) => {
        const url = new URL(request.url);
        requests.push(`${request.method} ${url.pathname}${url.search}`);
        return next.sendRequest(request);
      },
    }),
  });
  handlerService = new BlobServiceClient(fields.BlobEndpoint!, pipeline);
  await azurite.blobService.getContainerClient(settings.incomingContainer).create();
});
afterAll(async () => {
  await closeSharedGraders();
  await azurite?.stop();
});

/** Downloads of `name` from the incoming container (GET on the blob itself, not `?comp=` operations). */
function downloadsOf(name: string): number {
  const path = `/${settings.incomingContainer}/${encodeURIComponent(name).replace(/%2F/g, '/')}`;
  return requests.filter((line) => {
    const [method, target = ''] = line.split(' ');
    const [pathname = '', query = ''] = target.split('?');
    return method === 'GET' && pathname.endsWith(path) && !/(^|&)comp=/.test(query);
  }).length;
}

async function deliver(name: string, payload: Uint8Array) {
  const counter = createDecodeCounter();
  const handler = createGradeIncomingBlob(settings, { blobService: handlerService, options: { lock: { waitMs: 120_000 }, counter } });
  const outcome = (await handler(payload, blobContext(name, settings.incomingContainer).context)) as GradeBlobOutcome;
  return { outcome, counter };
}

describe('one read, one decode per blob', () => {
  it('grades the host payload of the current version without downloading it again, decoding it once', async () => {
    const name = 'site-1/one-read.jpg';
    const photo = await fundusJpeg(21);
    const source = await upload(azurite.blobService, settings.incomingContainer, name, photo);
    const { outcome, counter } = await deliver(name, photo);
    expect(outcome).toMatchObject({ action: 'written', status: 'graded' });
    expect(downloadsOf(name)).toBe(0); // the host's read is the only one
    expect(counter).toEqual({ downloads: 0, bytesRead: 0, decodes: 1 });
    const result = (await readResult(azurite.blobService, settings.resultsContainer, name))!;
    expect((result.provenance as { source: unknown }).source).toMatchObject({ etag: source.etag, sha256: source.sha256 });
  });

  it('downloads the current version once when the host payload is stale, grading the new bytes', async () => {
    const name = 'site-1/overwritten.jpg';
    const stale = await fundusJpeg(22);
    const current = await fundusJpeg(23);
    await upload(azurite.blobService, settings.incomingContainer, name, stale);
    const now = await upload(azurite.blobService, settings.incomingContainer, name, current);
    const { outcome, counter } = await deliver(name, stale);
    expect(outcome).toMatchObject({ action: 'written' });
    expect(downloadsOf(name)).toBe(1);
    expect(counter).toEqual({ downloads: 1, bytesRead: current.byteLength, decodes: 1 });
    const result = (await readResult(azurite.blobService, settings.resultsContainer, name))!;
    expect((result.provenance as { source: unknown }).source).toMatchObject({ etag: now.etag, sha256: now.sha256 });
  });

  it('downloads once and decodes once without a payload', async () => {
    const name = 'site-1/no-payload.jpg';
    const photo = await fundusJpeg(24);
    await upload(azurite.blobService, settings.incomingContainer, name, photo);
    const { outcome, counter } = await deliver(name, Buffer.alloc(0));
    expect(outcome).toMatchObject({ action: 'written' });
    expect(downloadsOf(name)).toBe(1);
    expect(counter).toEqual({ downloads: 1, bytesRead: photo.byteLength, decodes: 1 });
  });
});
