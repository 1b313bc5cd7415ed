import type { ContainerClient } from '@azure/storage-blob';
import { containerLayout } from './containerLayout.js';
import { downloadBlob } from './downloadBlob.js';
import { hashIdentifier } from './hashIdentifier.js';
import { storageStatusOf, toStorageError } from './toStorageError.js';

/**
 * A dead-letter record: everything needed to replay one source blob after its last try failed.
 * It names the blob (it lives in the same account as the photograph, under the same access control), but
 * nothing derived from it is ever logged in clear.
 */
export interface DeadLetterRecord {
  readonly schemaVersion: 1;
  /** Incoming container and blob name of the source. */
  readonly container: string;
  readonly name: string;
  /** {@link hashIdentifier} of the name: what the logs show. */
  readonly nameHash: string;
  /** Version that failed (`null` when the failure came before the source could be read). */
  readonly sourceEtag: string | null;
  readonly sourceSha256: string | null;
  readonly attempts: number;
  readonly firstFailureAt: string;
  readonly deadLetteredAt: string;
  readonly error: { readonly code: string; readonly message: string; readonly transient: boolean };
  readonly invocationId: string | null;
  /** How to replay it. */
  readonly replay: { readonly command: string };
}

/** A record found by {@link DeadLetterStore.list}, with the control blob that holds it. */
export interface StoredDeadLetter {
  readonly blobName: string;
  readonly etag: string;
  readonly record: DeadLetterRecord;
}

/**
 * Dead-letter records in the control container, one per source path (`dead-letter/<sha256>.json`; a later failure
 * of the same path replaces the earlier record). `drgrade replay --poisoned` lists them, regrades, and removes them.
 */
export class DeadLetterStore {
  constructor(private readonly container: ContainerClient) {}

  /** Builds a record; `replay` defaults to the CLI command that re-runs it. */
  static record(fields: Omit<DeadLetterRecord, 'schemaVersion' | 'nameHash' | 'replay'> & { replay?: DeadLetterRecord['replay'] }): DeadLetterRecord {
    return {
      schemaVersion: 1,
      ...fields,
      nameHash: hashIdentifier(fields.name),
      replay: fields.replay ?? { command: 'npx drgrade replay --poisoned' },
    };
  }

  /** Writes (or replaces) the record of its source path. */
  async write(record: DeadLetterRecord): Promise<string> {
    const blobName = containerLayout.deadLetterName(record.name);
    const body = JSON.stringify(record, null, 2);
    try {
      await this.container.getBlockBlobClient(blobName).upload(body, Buffer.byteLength(body), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    } catch (error) {
      throw toStorageError(error, 'writing a dead-letter record');
    }
    return blobName;
  }

  /** The record of a source path, or `null`. */
  async read(sourceName: string): Promise<StoredDeadLetter | null> {
    return this.readBlob(containerLayout.deadLetterName(sourceName));
  }

  /** Every record (unreadable ones are skipped), optionally only those whose source name starts with `prefix`. */
  async *list(prefix = ''): AsyncGenerator<StoredDeadLetter> {
    try {
      for await (const item of this.container.listBlobsFlat({ prefix: containerLayout.deadLetterPrefix })) {
        const stored = await this.readBlob(item.name);
        if (stored && stored.record.name.startsWith(prefix)) yield stored;
      }
    } catch (error) {
      throw toStorageError(error, 'listing dead-letter records');
    }
  }

  /** Removes the record of a source path, whatever its version (after that path was graded). */
  async removeFor(sourceName: string): Promise<void> {
    try {
      await this.container.getBlockBlobClient(containerLayout.deadLetterName(sourceName)).deleteIfExists();
    } catch (error) {
      throw toStorageError(error, 'removing a dead-letter record');
    }
  }

  /** Removes a record if it is still the version that was read (a newer failure is kept). */
  async remove(stored: Pick<StoredDeadLetter, 'blobName' | 'etag'>): Promise<boolean> {
    try {
      await this.container.getBlockBlobClient(stored.blobName).delete({ conditions: { ifMatch: stored.etag } });
      return true;
    } catch (error) {
      const status = storageStatusOf(error);
      if (status === 404 || status === 412) return false;
      throw toStorageError(error, 'removing a dead-letter record');
    }
  }

  private async readBlob(blobName: string): Promise<StoredDeadLetter | null> {
    let downloaded;
    try {
      downloaded = await downloadBlob(this.container.getBlobClient(blobName));
    } catch (error) {
      if (storageStatusOf(error) === 404) return null;
      throw toStorageError(error, 'reading a dead-letter record');
    }
    try {
      const record = JSON.parse(downloaded.bytes.toString('utf8')) as DeadLetterRecord;
      if (record.schemaVersion !== 1 || typeof record.name !== 'string' || typeof record.container !== 'string') return null;
      return { blobName, etag: downloaded.etag, record };
    } catch {
      return null;
    }
  }
}
