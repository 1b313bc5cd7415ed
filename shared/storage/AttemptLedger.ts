import type { ContainerClient } from '@azure/storage-blob';
import { containerLayout } from './containerLayout.js';
import { downloadBlob } from './downloadBlob.js';
import { storageStatusOf, toStorageError } from './toStorageError.js';

/** What the ledger keeps per source path: failed tries of one source version. */
export interface AttemptRecord {
  readonly schemaVersion: 1;
  /** ETag of the source version these tries were about; a new version starts again from zero. */
  readonly sourceEtag: string;
  readonly count: number;
  readonly firstFailureAt: string;
  readonly lastFailureAt: string;
  readonly lastError: { readonly code: string; readonly message: string };
}

/**
 * Counts failed tries per source version in the control container (`attempts/<sha256>.json`). The blob trigger's
 * own delivery count is not visible to the handler, so the handler keeps its own to know when a try is the last one
 * and the source must be dead-lettered. Updates are conditional (ETag) so concurrent instances never lose a count.
 */
export class AttemptLedger {
  constructor(private readonly container: ContainerClient) {}

  /** Adds one failed try of `sourceEtag` and returns the record after the update. */
  async recordFailure(sourceName: string, sourceEtag: string, error: { code: string; message: string }, now = new Date()): Promise<AttemptRecord> {
    const blob = this.container.getBlockBlobClient(containerLayout.attemptsName(sourceName));
    for (let round = 0; ; round++) {
      const current = await this.readWithEtag(sourceName);
      const previous = current?.record?.sourceEtag === sourceEtag ? current.record : null;
      const record: AttemptRecord = {
        schemaVersion: 1,
        sourceEtag,
        count: (previous?.count ?? 0) + 1,
        firstFailureAt: previous?.firstFailureAt ?? now.toISOString(),
        lastFailureAt: now.toISOString(),
        lastError: { code: error.code, message: error.message },
      };
      const body = JSON.stringify(record);
      try {
        await blob.upload(body, Buffer.byteLength(body), {
          blobHTTPHeaders: { blobContentType: 'application/json' },
          conditions: current ? { ifMatch: current.etag } : { ifNoneMatch: '*' },
        });
        return record;
      } catch (caught) {
        const status = storageStatusOf(caught);
        if ((status === 409 || status === 412) && round < 8) continue;
        throw toStorageError(caught, 'recording a failed attempt');
      }
    }
  }

  /** The current record of a source path, or `null`. */
  async read(sourceName: string): Promise<AttemptRecord | null> {
    return (await this.readWithEtag(sourceName))?.record ?? null;
  }

  /** Forgets a source path's failures (after a success or a dead letter). */
  async clear(sourceName: string): Promise<void> {
    try {
      await this.container.getBlockBlobClient(containerLayout.attemptsName(sourceName)).deleteIfExists();
    } catch (error) {
      throw toStorageError(error, 'clearing failed attempts');
    }
  }

  /** The record (`null` when unreadable, so it is overwritten) and the ETag of its blob; `null` when absent. */
  private async readWithEtag(sourceName: string): Promise<{ record: AttemptRecord | null; etag: string } | null> {
    const blob = this.container.getBlockBlobClient(containerLayout.attemptsName(sourceName));
    let downloaded;
    try {
      downloaded = await downloadBlob(blob);
    } catch (error) {
      if (storageStatusOf(error) === 404) return null;
      throw toStorageError(error, 'reading failed attempts');
    }
    try {
      return { record: JSON.parse(downloaded.bytes.toString('utf8')) as AttemptRecord, etag: downloaded.etag };
    } catch {
      return { record: null, etag: downloaded.etag };
    }
  }
}
