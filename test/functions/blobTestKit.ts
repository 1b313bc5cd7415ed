import { createHash } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import type { BlobServiceClient } from '@azure/storage-blob';
import { readSettings, type Settings } from '../../shared/config/settings.js';
import { encodeJpeg } from '../../shared/image/encodeImage.js';
import { containerLayout } from '../../shared/storage/containerLayout.js';
import { synthFundus } from '../../shared/synth/synthFundus.js';
import { tinyModelDir } from '../fixtures/tiny-model/tinyModel.js';

/** Settings for a test: Azurite storage, the tiny model in process unless `env` says otherwise. */
export function testSettings(connectionString: string, env: Record<string, string> = {}): Settings {
  return readSettings({ FundusStorage: connectionString, DRGRADE_MODEL_DIR: tinyModelDir, ...env });
}

/** A real InvocationContext as the host builds it for a blob trigger delivery, recording every log line. */
export function blobContext(name: string, container = 'fundus-incoming', retryContext?: { retryCount: number; maxRetryCount: number }): { context: InvocationContext; logs: string[] } {
  const logs: string[] = [];
  const context = new InvocationContext({
    functionName: 'gradeIncomingBlob',
    triggerMetadata: { name, blobTrigger: `${container}/${name}`, uri: `http://127.0.0.1/devstoreaccount1/${container}/${encodeURIComponent(name)}` },
    ...(retryContext ? { retryContext } : {}),
    logHandler: (level, ...args) => logs.push(`${level} ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`),
  });
  return { context, logs };
}

/** A synthetic fundus JPEG (1024 px wide: large enough to be gradable). */
export async function fundusJpeg(seed: number, width = 1024): Promise<Buffer> {
  return encodeJpeg(synthFundus({ seed, width }).image);
}

/** Uploads a source blob and returns its ETag and SHA-256. */
export async function upload(service: BlobServiceClient, container: string, name: string, bytes: Uint8Array, contentType = 'image/jpeg'): Promise<{ etag: string; sha256: string }> {
  const response = await service.getContainerClient(container).getBlockBlobClient(name).upload(bytes, bytes.byteLength, { blobHTTPHeaders: { blobContentType: contentType } });
  return { etag: response.etag!, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The ETag and SHA-256 of a blob as it is now (to prove an original was not altered). */
export async function fingerprint(service: BlobServiceClient, container: string, name: string): Promise<{ etag: string; sha256: string }> {
  const blob = service.getContainerClient(container).getBlobClient(name);
  const bytes = await blob.downloadToBuffer();
  const props = await blob.getProperties();
  return { etag: props.etag!, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Every blob name in a container. */
export async function listNames(service: BlobServiceClient, container: string, prefix = ''): Promise<string[]> {
  const names: string[] = [];
  const client = service.getContainerClient(container);
  if (!(await client.exists())) return names;
  for await (const item of client.listBlobsFlat({ prefix })) names.push(item.name);
  return names.sort();
}

/** Parsed result JSON of a source, or null. */
export async function readResult(service: BlobServiceClient, container: string, sourceName: string): Promise<Record<string, unknown> | null> {
  const blob = service.getContainerClient(container).getBlobClient(containerLayout.outputNames(sourceName).result);
  if (!(await blob.exists())) return null;
  return JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as Record<string, unknown>;
}
