import type { BlobClient, BlobRequestConditions } from '@azure/storage-blob';
import type { DecodeCounter } from '../image/DecodeCounter.js';

/** A downloaded blob version: its bytes and the facts that identify that version. */
export interface DownloadedBlob {
  readonly bytes: Buffer;
  readonly etag: string;
  readonly contentType: string | undefined;
  readonly metadata: Record<string, string>;
}

/** Options of {@link downloadBlob}. */
export interface DownloadBlobOptions {
  /** Conditions, e.g. `ifMatch` to read exactly one version. @default none */
  conditions?: BlobRequestConditions;
  /** Abandons the download. */
  signal?: AbortSignal;
  /** Counts the download and its bytes. */
  counter?: Pick<DecodeCounter, 'bytesRead' | 'downloads'>;
}

/**
 * Downloads a whole blob in one request so that bytes and ETag belong to the same version (SDK errors propagate;
 * callers map them with `toStorageError`).
 */
export async function downloadBlob(blob: BlobClient, options: DownloadBlobOptions = {}): Promise<DownloadedBlob> {
  const response = await blob.download(0, undefined, {
    ...(options.conditions ? { conditions: options.conditions } : {}),
    ...(options.signal ? { abortSignal: options.signal } : {}),
  });
  const chunks: Buffer[] = [];
  const stream = response.readableStreamBody;
  if (stream) {
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  const bytes = Buffer.concat(chunks);
  if (options.counter) {
    options.counter.downloads += 1;
    options.counter.bytesRead += bytes.byteLength;
  }
  return {
    bytes,
    etag: response.etag ?? '',
    contentType: response.contentType,
    metadata: response.metadata ?? {},
  };
}
