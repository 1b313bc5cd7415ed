import { createHash } from 'node:crypto';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { Settings } from '../config/settings.js';
import { DrgradeError, errorCatalog, toDrgradeError } from '../errors.js';
import type { GradeResult, GradeStatus } from '../grading/GradeResult.js';
import { rejectedResult } from '../grading/rejectedResult.js';
import { acquireBlobLock, type AcquireBlobLockOptions, type BlobLock } from '../storage/acquireBlobLock.js';
import { AttemptLedger } from '../storage/AttemptLedger.js';
import { containerLayout } from '../storage/containerLayout.js';
import { DeadLetterStore } from '../storage/DeadLetterStore.js';
import { downloadBlob } from '../storage/downloadBlob.js';
import { ensureContainers } from '../storage/ensureContainers.js';
import { hashIdentifier } from '../storage/hashIdentifier.js';
import { ResultStore } from '../storage/ResultStore.js';
import { storageStatusOf, toStorageError } from '../storage/toStorageError.js';
import type { DecodeCounter } from '../image/DecodeCounter.js';
import { buildResultSet, reportPictureMaxSide } from './buildResultSet.js';
import type { GradeBytes } from './GradeBytes.js';
import { writeExamIfComplete } from '../exams/writeExamIfComplete.js';
import { silentLogger, type ServiceLogger } from './ServiceLogger.js';

/** What {@link gradeBlob} works with. */
export interface GradeBlobDeps {
  readonly blobService: BlobServiceClient;
  readonly settings: Pick<Settings, 'incomingContainer' | 'resultsContainer' | 'poisonContainer' | 'maxImageBytes' | 'maxPixels' | 'maculaDiscDiameters'> & { readonly identifierSalt?: string };
  readonly grade: GradeBytes;
  readonly log?: ServiceLogger;
}

/** Options of {@link gradeBlob}. */
export interface GradeBlobOptions {
  /** Regrade even when the committed result is of the current source version (replay after a new model). @default false */
  force?: boolean;
  /** Failed tries of one source version before it is dead-lettered; the blob extension's default delivery count. @default 5 */
  maxAttempts?: number;
  /** The runtime's retry context, when a retry policy drives retries: it then decides which try is the last. */
  retryContext?: { readonly retryCount: number; readonly maxRetryCount: number };
  /** Recorded in dead letters to correlate with platform logs. */
  invocationId?: string;
  /**
   * The trigger's payload (the host already read it). Graded instead of a second download when its MD5 equals the
   * `Content-MD5` of the version whose ETag is read under the lock, so the bytes graded are that version's; otherwise
   * (no MD5 stored, or the blob changed since the host read it) the version is downloaded with `If-Match`. For names
   * that cannot be addressed, it is hashed.
   */
  payload?: Uint8Array;
  /** Lock timing (tests and the bench shorten the wait). */
  lock?: Omit<AcquireBlobLockOptions, 'signal'>;
  /** Abandons the work (host shutdown). */
  signal?: AbortSignal;
  /** Counts downloads, bytes read and decodes of the photograph (the bench, tests). */
  counter?: DecodeCounter;
}

/** What happened to one delivery. */
export interface GradeBlobOutcome {
  /**
   * `written`: a result set was committed. `unchanged`: the current version already had one (duplicate delivery).
   * `source-missing`: the blob was deleted before it could be read. `dead-lettered`: the last try failed, a record
   * is in the poison container. `conflict`: another writer committed first (its set stands).
   */
  readonly action: 'written' | 'unchanged' | 'source-missing' | 'dead-lettered' | 'conflict';
  readonly nameHash: string;
  readonly status?: GradeStatus;
  readonly code?: string;
}

/** Facts about the source version being processed, filled in as they become known. */
interface SourceFacts {
  etag: string | null;
  sha256: string | null;
  contentLength: number | null;
}

/**
 * The blob trigger's core: grades `name` from the incoming container exactly once per source version and writes
 * its result set. Idempotent (a duplicate delivery of a graded version reads two properties and returns
 * `unchanged`), race-safe (a lease per source path serialises deliveries; the result JSON commits with
 * `If-None-Match: *`), never touches the original. A permanent problem ends in a `rejected`/`ungradable` result and
 * a normal return; a transient one throws a transient `DrgradeError` so the platform retries, until the last try,
 * which writes a dead-letter record and returns `dead-lettered` so that retries stop.
 */
export async function gradeBlob(name: string, deps: GradeBlobDeps, options: GradeBlobOptions = {}): Promise<GradeBlobOutcome> {
  const { blobService, settings } = deps;
  const log = deps.log ?? silentLogger;
  const nameHash = hashIdentifier(name);
  const started = performance.now();
  const facts: SourceFacts = { etag: null, sha256: null, contentLength: null };
  await ensureContainers(blobService, [settings.resultsContainer, settings.poisonContainer]);
  const control = blobService.getContainerClient(settings.poisonContainer);
  const lock = await acquireBlobLock(control, containerLayout.lockName(name), { ...options.lock, ...(options.signal ? { signal: options.signal } : {}) });
  try {
    const outcome = await processLocked(name, deps, options, lock, facts);
    log.info('drgrade.blob', { event: outcome.action, nameHash, status: outcome.status, code: outcome.code, sourceEtag: facts.etag, ms: Math.round(performance.now() - started) });
    if (outcome.action === 'written') await writeExam(name, deps, log, nameHash);
    return outcome;
  } catch (caught) {
    const error = toDrgradeError(caught);
    return await onFailure(name, error, deps, options, facts, nameHash, log);
  } finally {
    await lock.release();
  }
}

/**
 * Writes the photograph's exam when it was the exam's last (shared/exams). The photograph's result is committed
 * already, so a failure here is logged, never retried as a grading failure.
 */
async function writeExam(name: string, deps: GradeBlobDeps, log: ServiceLogger, nameHash: string): Promise<void> {
  try {
    const folder = await writeExamIfComplete(name, { blobService: deps.blobService, incomingContainer: deps.settings.incomingContainer, resultsContainer: deps.settings.resultsContainer, identifierSalt: deps.settings.identifierSalt ?? '' });
    if (folder !== null) log.info('drgrade.blob', { event: 'exam-written', nameHash, examHash: hashIdentifier(folder) });
  } catch (caught) {
    log.error('drgrade.blob', { event: 'exam-failed', nameHash, code: toDrgradeError(caught).code });
  }
}

async function processLocked(name: string, deps: GradeBlobDeps, options: GradeBlobOptions, lock: BlobLock, facts: SourceFacts): Promise<GradeBlobOutcome> {
  const { blobService, settings } = deps;
  const nameHash = hashIdentifier(name);
  const results = new ResultStore(blobService.getContainerClient(settings.resultsContainer));
  const control = blobService.getContainerClient(settings.poisonContainer);

  if (!containerLayout.isSafeSourceName(name)) {
    // The SDK would resolve dot segments and address another blob: grade nothing, record one rejected result.
    const sha256 = options.payload ? sha256Hex(options.payload) : '';
    facts.sha256 = sha256 || null;
    const existing = await results.currentVersion(name);
    if (existing && existing.sourceSha256 === sha256 && !options.force) return { action: 'unchanged', nameHash, status: 'rejected' };
    const result = rejectedResult(
      { code: 'INVALID_ARGUMENT', message: 'Expected a blob name without dot segments, backslashes or control characters, at most 1010 characters long, for the incoming blob name but received a name that cannot be mirrored safely' },
      { provenance: { source: { nameSha256: nameHash, ...(sha256 ? { sha256 } : {}), ...(options.payload ? { contentLength: options.payload.byteLength } : {}) } } },
    );
    return commit(name, result, null, null, { deps, results, staleResultEtag: existing?.resultEtag ?? null, source: { etag: '', sha256 }, lock, nameHash });
  }

  const source = blobService.getContainerClient(settings.incomingContainer).getBlobClient(name);
  for (let round = 0; ; round++) {
    let properties;
    try {
      properties = await source.getProperties();
    } catch (error) {
      if (storageStatusOf(error) === 404) return { action: 'source-missing', nameHash };
      throw toStorageError(error, 'reading source properties');
    }
    facts.etag = properties.etag ?? '';
    facts.contentLength = properties.contentLength ?? null;
    const existing = await results.currentVersion(name);
    if (existing && existing.sourceEtag === facts.etag && !options.force) {
      return { action: 'unchanged', nameHash, status: existing.status as GradeStatus };
    }
    const provenanceSource = (extra: Record<string, string | number>) => ({ etag: facts.etag ?? '', ...(facts.contentLength !== null ? { contentLength: facts.contentLength } : {}), ...extra });

    if (facts.contentLength !== null && facts.contentLength > settings.maxImageBytes) {
      // Rejected without downloading: the limit exists to keep such blobs out of memory.
      const result = rejectedResult(
        { code: 'INPUT_TOO_LARGE', message: `Expected at most ${settings.maxImageBytes} bytes for input but received ${facts.contentLength}` },
        { provenance: { source: provenanceSource({}) } },
      );
      return commit(name, result, null, null, { deps, results, staleResultEtag: existing?.resultEtag ?? null, source: { etag: facts.etag, sha256: '' }, lock, nameHash });
    }

    let bytes: Uint8Array | null = options.payload && payloadIsVersion(options.payload, properties.contentMD5) ? options.payload : null;
    if (bytes === null) {
      try {
        bytes = (await downloadBlob(source, { conditions: { ifMatch: facts.etag }, ...(options.signal ? { signal: options.signal } : {}), ...(options.counter ? { counter: options.counter } : {}) })).bytes;
      } catch (error) {
        const status = storageStatusOf(error);
        // Overwritten (412) or deleted (404) between the two calls: start over with whatever is there now.
        if ((status === 412 || status === 404) && round < 3) continue;
        throw toStorageError(error, 'downloading the source');
      }
    }
    facts.sha256 = sha256Hex(bytes);

    const graded = await gradeOrReject(bytes, deps, options);
    const result: GradeResult = {
      ...graded.result,
      provenance: { ...graded.result.provenance, source: provenanceSource({ sha256: facts.sha256 }) },
    };
    const outcome = await commit(name, result, graded.analysis, bytes, { deps, results, staleResultEtag: existing?.resultEtag ?? null, source: { etag: facts.etag, sha256: facts.sha256 }, lock, nameHash, counter: options.counter });
    const deadLetters = new DeadLetterStore(control);
    if (graded.systemError) {
      // A permanent fault of ours (model missing, a bug), not of the photograph: keep a replayable record too.
      await deadLetters.write(deadLetter(name, deps, options, facts, graded.systemError, 1, null));
    } else if (outcome.action === 'written') {
      // Earlier failures of this path are settled now.
      await Promise.all([new AttemptLedger(control).clear(name), deadLetters.removeFor(name)]);
    }
    return outcome;
  }
}

/**
 * Runs the pipeline. A thrown permanent error becomes a `rejected` result (input errors by the catalogue's 4xx
 * status, anything else flagged as a system error for a dead letter); transient errors propagate.
 */
async function gradeOrReject(
  bytes: Uint8Array,
  deps: GradeBlobDeps,
  options: GradeBlobOptions,
): Promise<{ result: GradeResult; analysis: Awaited<ReturnType<GradeBytes>>['analysis']; systemError: DrgradeError | null }> {
  try {
    const graded = await deps.grade(bytes, { previewMaxSide: reportPictureMaxSide, ...(options.signal ? { signal: options.signal } : {}), ...(options.counter ? { counter: options.counter } : {}) });
    return { ...graded, systemError: null };
  } catch (caught) {
    const error = toDrgradeError(caught);
    if (error.transient) throw error;
    const systemError = error.status >= 500 ? error : null;
    return { result: rejectedResult({ code: error.code, message: systemError ? errorCatalog[error.code].title : error.message }), analysis: null, systemError };
  }
}

/** Where and how a result set is committed. */
interface CommitContext {
  readonly deps: GradeBlobDeps;
  readonly results: ResultStore;
  /** ETag of the committed result of an older version, retracted first; `null` when there is none. */
  readonly staleResultEtag: string | null;
  readonly source: { readonly etag: string; readonly sha256: string };
  readonly lock: BlobLock;
  readonly nameHash: string;
  readonly counter?: DecodeCounter | undefined;
}

async function commit(
  name: string,
  result: GradeResult,
  analysis: Awaited<ReturnType<GradeBytes>>['analysis'],
  bytes: Uint8Array | null,
  ctx: CommitContext,
): Promise<GradeBlobOutcome> {
  const { settings } = ctx.deps;
  const set = await buildResultSet(result, analysis, {
    bytes,
    limits: { maxImageBytes: settings.maxImageBytes, maxPixels: settings.maxPixels },
    maculaDiscDiameters: settings.maculaDiscDiameters,
    ...(ctx.counter ? { counter: ctx.counter } : {}),
  });
  if (ctx.staleResultEtag !== null) await ctx.results.retract(name, ctx.staleResultEtag);
  const written = await ctx.results.write(name, set, ctx.source, () => ctx.lock.confirm());
  return { action: written === 'written' ? 'written' : 'conflict', nameHash: ctx.nameHash, status: result.status, ...(result.error ? { code: result.error.code } : {}) };
}

async function onFailure(
  name: string,
  error: DrgradeError,
  deps: GradeBlobDeps,
  options: GradeBlobOptions,
  facts: SourceFacts,
  nameHash: string,
  log: ServiceLogger,
): Promise<GradeBlobOutcome> {
  const control = deps.blobService.getContainerClient(deps.settings.poisonContainer);
  const fields = { nameHash, code: error.code, transient: error.transient, sourceEtag: facts.etag };
  let attempts: number;
  let last: boolean;
  let firstFailureAt: string | null = null;
  try {
    if (!error.transient) {
      attempts = 1;
      last = true;
    } else if (options.retryContext) {
      attempts = options.retryContext.retryCount + 1;
      last = options.retryContext.maxRetryCount >= 0 && options.retryContext.retryCount >= options.retryContext.maxRetryCount;
    } else {
      const record = await new AttemptLedger(control).recordFailure(name, facts.etag ?? '', { code: error.code, message: error.message });
      attempts = record.count;
      firstFailureAt = record.firstFailureAt;
      last = attempts >= (options.maxAttempts ?? 5);
    }
    if (!last) {
      log.warn('drgrade.blob', { event: 'retry', attempts, ...fields });
      throw error;
    }
    // Given up on: outputs of a write whose commit failed must not stay behind without their JSON.
    await new ResultStore(deps.blobService.getContainerClient(deps.settings.resultsContainer)).removeUncommitted(name);
    await new DeadLetterStore(control).write(deadLetter(name, deps, options, facts, error, attempts, firstFailureAt));
    await new AttemptLedger(control).clear(name);
  } catch (bookkeeping) {
    if (bookkeeping === error) throw error;
    // Storage is failing too: let the platform retry (and, past its own limit, poison its message).
    log.error('drgrade.blob', { event: 'bookkeeping-failed', ...fields, bookkeepingCode: toDrgradeError(bookkeeping).code });
    throw error.transient ? error : new DrgradeError('STORAGE_TRANSIENT', error.message, { cause: error });
  }
  log.error('drgrade.blob', { event: 'dead-lettered', attempts, ...fields });
  return { action: 'dead-lettered', nameHash, code: error.code };
}

function deadLetter(name: string, deps: GradeBlobDeps, options: GradeBlobOptions, facts: SourceFacts, error: DrgradeError, attempts: number, firstFailureAt: string | null) {
  const now = new Date().toISOString();
  return DeadLetterStore.record({
    container: deps.settings.incomingContainer,
    name,
    sourceEtag: facts.etag,
    sourceSha256: facts.sha256,
    attempts,
    firstFailureAt: firstFailureAt ?? now,
    deadLetteredAt: now,
    error: { code: error.code, message: error.message, transient: error.transient },
    invocationId: options.invocationId ?? null,
  });
}

/** Whether `payload` is the content whose MD5 storage recorded for the version just read (its bytes, not a stale copy). */
function payloadIsVersion(payload: Uint8Array, contentMd5: Uint8Array | undefined): boolean {
  if (!contentMd5 || contentMd5.byteLength !== 16) return false;
  return createHash('md5').update(payload).digest().equals(Buffer.from(contentMd5.buffer, contentMd5.byteOffset, contentMd5.byteLength));
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
