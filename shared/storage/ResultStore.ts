import type { ContainerClient } from '@azure/storage-blob';
import { containerLayout } from './containerLayout.js';
import { downloadBlob } from './downloadBlob.js';
import { storageStatusOf, toStorageError } from './toStorageError.js';

/** The source version a result set was made from, read back from `<path>.result.json`'s metadata. */
export interface StoredResultVersion {
  /** ETag of the result blob itself (for a conditional retraction). */
  readonly resultEtag: string;
  readonly sourceEtag: string;
  readonly sourceSha256: string;
  readonly status: string;
}

/** One source's outputs, ready to write. */
export interface ResultSet {
  /** The result JSON text. */
  readonly resultJson: string;
  /** The GradeResult status, copied into metadata so listing does not need to read bodies. */
  readonly status: string;
  readonly annotatedPng: Uint8Array | null;
  readonly enhancedPng: Uint8Array | null;
  readonly reportHtml: string;
  /** The result as a FHIR R4 Bundle (JSON text); `null` leaves none. */
  readonly fhirJson?: string | null;
}

/** The source version a result set belongs to. */
export interface SourceVersion {
  readonly etag: string;
  readonly sha256: string;
}

/**
 * The results container's side of the storage contract. A result set is written images first and
 * `<path>.result.json` last with `If-None-Match: *`, so a reader that sees the JSON sees a complete set, and two
 * writers of one path can never both commit. Before a new version is written the previous JSON is retracted
 * (`If-Match` its ETag) so a stale result never sits beside new images.
 */
export class ResultStore {
  constructor(private readonly container: ContainerClient) {}

  /** The version of the committed result of `sourceName`, or `null` when there is none. */
  async currentVersion(sourceName: string): Promise<StoredResultVersion | null> {
    const blob = this.container.getBlobClient(containerLayout.outputNames(sourceName).result);
    try {
      const properties = await blob.getProperties();
      const metadata = properties.metadata ?? {};
      return {
        resultEtag: properties.etag ?? '',
        sourceEtag: metadata[containerLayout.metadata.sourceEtag] ?? '',
        sourceSha256: metadata[containerLayout.metadata.sourceSha256] ?? '',
        status: metadata[containerLayout.metadata.status] ?? '',
      };
    } catch (error) {
      if (storageStatusOf(error) === 404) return null;
      throw toStorageError(error, 'reading a result version');
    }
  }

  /** The committed result JSON of `sourceName`, parsed, or `null`. */
  async readResult(sourceName: string): Promise<unknown> {
    try {
      const downloaded = await downloadBlob(this.container.getBlobClient(containerLayout.outputNames(sourceName).result));
      return JSON.parse(downloaded.bytes.toString('utf8')) as unknown;
    } catch (error) {
      if (storageStatusOf(error) === 404) return null;
      throw toStorageError(error, 'reading a result');
    }
  }

  /** Deletes the committed result JSON if it is still `resultEtag`; `false` when it changed or vanished. */
  async retract(sourceName: string, resultEtag: string): Promise<boolean> {
    try {
      await this.container.getBlobClient(containerLayout.outputNames(sourceName).result).delete({ conditions: { ifMatch: resultEtag } });
      return true;
    } catch (error) {
      const status = storageStatusOf(error);
      if (status === 404 || status === 412) return false;
      throw toStorageError(error, 'retracting a stale result');
    }
  }

  /**
   * Removes the images, report and FHIR bundle that a failed write left without a committed result JSON, so that a
   * source given up on (dead-lettered) has a result set that is whole or absent, never half-written. Does nothing when
   * the JSON is committed. Callers hold the source's lock, so no other delivery is between its images and its JSON.
   * Returns how many outputs it removed.
   */
  async removeUncommitted(sourceName: string): Promise<number> {
    const names = containerLayout.outputNames(sourceName);
    try {
      if (await this.container.getBlobClient(names.result).exists()) return 0;
      const removed = await Promise.all(
        [names.annotated, names.enhanced, names.report, names.fhir].map(async (name) => (await this.container.getBlobClient(name).deleteIfExists()).succeeded),
      );
      return removed.filter(Boolean).length;
    } catch (error) {
      throw toStorageError(error, 'removing an uncommitted result set');
    }
  }

  /**
   * Writes a set and commits it. `beforeCommit` runs between the images and the JSON (the caller confirms its lock
   * there). Returns `'conflict'` when a result JSON appeared meanwhile (someone else committed first; theirs stands).
   */
  async write(sourceName: string, set: ResultSet, source: SourceVersion, beforeCommit?: () => Promise<void>): Promise<'written' | 'conflict'> {
    const names = containerLayout.outputNames(sourceName);
    const metadata = {
      [containerLayout.metadata.sourceEtag]: source.etag,
      [containerLayout.metadata.sourceSha256]: source.sha256,
      [containerLayout.metadata.status]: set.status,
    };
    const put = async (name: string, body: Uint8Array | string, contentType: string): Promise<void> => {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      await this.container.getBlockBlobClient(name).upload(bytes, bytes.byteLength, { blobHTTPHeaders: { blobContentType: contentType }, metadata });
    };
    const putOrRemove = async (name: string, body: Uint8Array | null): Promise<void> => {
      // A missing image must not leave the previous version's image behind.
      if (body) await put(name, body, 'image/png');
      else await this.container.getBlobClient(name).deleteIfExists();
    };
    try {
      await Promise.all([
        putOrRemove(names.annotated, set.annotatedPng),
        putOrRemove(names.enhanced, set.enhancedPng),
        put(names.report, set.reportHtml, 'text/html; charset=utf-8'),
        set.fhirJson ? put(names.fhir, set.fhirJson, 'application/fhir+json') : this.container.getBlobClient(names.fhir).deleteIfExists(),
      ]);
    } catch (error) {
      throw toStorageError(error, 'writing result images');
    }
    if (beforeCommit) await beforeCommit();
    const json = Buffer.from(set.resultJson, 'utf8');
    try {
      await this.container.getBlockBlobClient(names.result).upload(json, json.byteLength, {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        metadata,
        conditions: { ifNoneMatch: '*' },
      });
      return 'written';
    } catch (error) {
      const status = storageStatusOf(error);
      if (status === 409 || status === 412) return 'conflict';
      throw toStorageError(error, 'committing a result');
    }
  }
}
