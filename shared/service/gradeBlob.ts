import { createHash } from 'node:crypto';
import type { BlobClient, BlobGetPropertiesResponse, BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { Settings } from '../config/settings.js';
import { DrgradeError, toDrgradeError } from '../errors.js';
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
import { payloadFactOf, planAfterCommit, planBookkeepingFailure, planDownloadFailure, planFailure, planGradeFailure, planLedgerCount, planPropertiesFailure, planSourceRead, planSourceVersion, planUnsafeName, type FailureVerdict } from './deliveryPlan.js';
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

/** One delivery: what every step works with, and the facts learnt so far (for the log line and dead letters). */
interface Delivery {
  readonly name: string;
  readonly nameHash: string;
  readonly deps: GradeBlobDeps;
  readonly options: GradeBlobOptions;
  readonly log: ServiceLogger;
  readonly lock: BlobLock;
  readonly results: ResultStore;
  /** The poison container: lock, attempt ledger and dead letters. */
  readonly control: ContainerClient;
  readonly facts: SourceFacts;
}

/**
 * The blob trigger's core: grades `name` from the incoming container exactly once per source version and writes
 * its result set. Idempotent (a duplicate delivery of a graded version reads two properties and returns
 * `unchanged`), race-safe (a lease per source path serialises deliveries; the result JSON commits with
 * `If-None-Match: *`), never touches the original. A permanent problem ends in a `rejected`/`ungradable` result and
 * a normal return; a transient one throws a transient `DrgradeError` so the platform retries, until the last try,
 * which writes a dead-letter record and returns `dead-lettered` so that retries stop. What to do at each step is
 * decided by ./deliveryPlan.ts; the functions below only perform the I/O its decisions name.
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
  const delivery: Delivery = { name, nameHash, deps, options, log, lock, results: new ResultStore(blobService.getContainerClient(settings.resultsContainer)), control, facts };
  try {
    const outcome = await processLocked(delivery);
    log.info('drgrade.blob', { event: outcome.action, nameHash, status: outcome.status, code: outcome.code, sourceEtag: facts.etag, ms: Math.round(performance.now() - started) });
    if (outcome.action === 'written') await writeExam(name, deps, log, nameHash);
    return outcome;
  } catch (caught) {
    return await onFailure(delivery, toDrgradeError(caught));
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

/**
 * Under the lock: properties, committed version, size gate, bytes (payload or conditional download), grade,
 * commit. A version that vanishes between properties and download starts the round over.
 */
async function processLocked(d: Delivery): Promise<GradeBlobOutcome> {
  if (!containerLayout.isSafeSourceName(d.name)) return rejectUnsafeName(d);
  const source = d.deps.blobService.getContainerClient(d.deps.settings.incomingContainer).getBlobClient(d.name);
  for (let round = 0; ; ) {
    const properties = await readSourceProperties(source);
    if (properties === null) return { action: 'source-missing', nameHash: d.nameHash };
    const etag = (d.facts.etag = properties.etag ?? '');
    d.facts.contentLength = properties.contentLength ?? null;
    const committed = await d.results.currentVersion(d.name);
    const version = planSourceVersion({ etag, contentLength: d.facts.contentLength, committed, force: d.options.force ?? false, maxImageBytes: d.deps.settings.maxImageBytes });
    if (version.kind === 'unchanged') return { action: 'unchanged', nameHash: d.nameHash, status: version.status as GradeStatus };
    if (version.kind === 'reject-too-large') {
      const result = rejectedResult(version.rejection, { provenance: { source: provenanceSource(d.facts, {}) } });
      return commit(d, result, { analysis: null, bytes: null, staleResultEtag: version.staleResultEtag, source: { etag, sha256: '' } });
    }
    const read = planSourceRead({ payload: payloadFactOf(d.options.payload, properties.contentMD5), etag });
    const bytes = read.kind === 'use-payload' ? { kind: 'bytes' as const, bytes: d.options.payload! } : await downloadSource(d, source, read.ifMatch, round);
    if (bytes.kind === 'restart') { round = bytes.nextRound; continue; }
    return gradeAndCommit(d, bytes.bytes, version.staleResultEtag);
  }
}

/** Records one `rejected` result for a name the SDK would resolve to another blob; the source is never read. */
async function rejectUnsafeName(d: Delivery): Promise<GradeBlobOutcome> {
  const { payload } = d.options;
  const sha256 = payload ? sha256Hex(payload) : '';
  d.facts.sha256 = sha256 || null;
  const decision = planUnsafeName({ payloadSha256: sha256, committed: await d.results.currentVersion(d.name), force: d.options.force ?? false });
  if (decision.kind === 'unchanged') return { action: 'unchanged', nameHash: d.nameHash, status: decision.status };
  const result = rejectedResult(decision.rejection, {
    provenance: { source: { nameSha256: d.nameHash, ...(sha256 ? { sha256 } : {}), ...(payload ? { contentLength: payload.byteLength } : {}) } },
  });
  return commit(d, result, { analysis: null, bytes: null, staleResultEtag: decision.staleResultEtag, source: { etag: '', sha256 } });
}

/** The source's properties, or `null` when it was deleted before they could be read. */
async function readSourceProperties(source: BlobClient): Promise<BlobGetPropertiesResponse | null> {
  try {
    return await source.getProperties();
  } catch (error) {
    const decision = planPropertiesFailure(storageStatusOf(error));
    if (decision.kind === 'source-missing') return null;
    throw toStorageError(error, decision.context);
  }
}

/** Downloads exactly the version whose properties were read (`If-Match`), or says which round to start over with. */
async function downloadSource(d: Delivery, source: BlobClient, ifMatch: string, round: number): Promise<{ readonly kind: 'bytes'; readonly bytes: Uint8Array } | { readonly kind: 'restart'; readonly nextRound: number }> {
  const { signal, counter } = d.options;
  try {
    return { kind: 'bytes', bytes: (await downloadBlob(source, { conditions: { ifMatch }, ...(signal ? { signal } : {}), ...(counter ? { counter } : {}) })).bytes };
  } catch (error) {
    const decision = planDownloadFailure({ status: storageStatusOf(error), round });
    if (decision.kind === 'restart') return decision;
    throw toStorageError(error, decision.context);
  }
}

/** Grades the version's bytes (or rejects them), commits the set, then does the bookkeeping the plan names. */
async function gradeAndCommit(d: Delivery, bytes: Uint8Array, staleResultEtag: string | null): Promise<GradeBlobOutcome> {
  const sha256 = (d.facts.sha256 = sha256Hex(bytes));
  const graded = await gradeOrReject(bytes, d);
  const result: GradeResult = { ...graded.result, provenance: { ...graded.result.provenance, source: provenanceSource(d.facts, { sha256 }) } };
  const outcome = await commit(d, result, { analysis: graded.analysis, bytes, staleResultEtag, source: { etag: d.facts.etag ?? '', sha256 }, counter: d.options.counter });
  const after = planAfterCommit({ systemError: graded.systemError !== null, committed: outcome.action });
  const deadLetters = new DeadLetterStore(d.control);
  if (after.kind === 'dead-letter-system-error') await deadLetters.write(deadLetter(d, graded.systemError!, after.attempts, null));
  else if (after.kind === 'settle-earlier-failures') await Promise.all([new AttemptLedger(d.control).clear(d.name), deadLetters.removeFor(d.name)]);
  return outcome;
}

type Analysis = Awaited<ReturnType<GradeBytes>>['analysis'];

/** Runs the pipeline; a permanent failure becomes a `rejected` result as the plan says, a transient one propagates. */
async function gradeOrReject(bytes: Uint8Array, d: Delivery): Promise<{ result: GradeResult; analysis: Analysis; systemError: DrgradeError | null }> {
  const { signal, counter } = d.options;
  try {
    const graded = await d.deps.grade(bytes, { previewMaxSide: reportPictureMaxSide, ...(signal ? { signal } : {}), ...(counter ? { counter } : {}) });
    return { ...graded, systemError: null };
  } catch (caught) {
    const error = toDrgradeError(caught);
    const decision = planGradeFailure(error);
    if (decision.kind === 'retry') throw error;
    return { result: rejectedResult(decision.rejection), analysis: null, systemError: decision.deadLetter ? error : null };
  }
}

/** What one commit writes besides the result. */
interface CommitStep {
  readonly analysis: Analysis;
  /** The photograph, for the report's pictures; `null` when it was never read. */
  readonly bytes: Uint8Array | null;
  /** ETag of the committed result of an older version, retracted first; `null` when there is none. */
  readonly staleResultEtag: string | null;
  readonly source: { readonly etag: string; readonly sha256: string };
  readonly counter?: DecodeCounter | undefined;
}

async function commit(d: Delivery, result: GradeResult, step: CommitStep): Promise<GradeBlobOutcome & { readonly action: 'written' | 'conflict' }> {
  const { settings } = d.deps;
  const set = await buildResultSet(result, step.analysis, {
    bytes: step.bytes,
    limits: { maxImageBytes: settings.maxImageBytes, maxPixels: settings.maxPixels },
    maculaDiscDiameters: settings.maculaDiscDiameters,
    ...(step.counter ? { counter: step.counter } : {}),
  });
  if (step.staleResultEtag !== null) await d.results.retract(d.name, step.staleResultEtag);
  const written = await d.results.write(d.name, set, step.source, () => d.lock.confirm());
  return { action: written === 'written' ? 'written' : 'conflict', nameHash: d.nameHash, status: result.status, ...(result.error ? { code: result.error.code } : {}) };
}

/** A failed delivery: counted, then thrown for a retry or, on the last try, dead-lettered and returned. */
async function onFailure(d: Delivery, error: DrgradeError): Promise<GradeBlobOutcome> {
  const fields = { nameHash: d.nameHash, code: error.code, transient: error.transient, sourceEtag: d.facts.etag };
  let verdict: FailureVerdict;
  try {
    verdict = await countFailure(d, error);
    if (verdict.kind === 'retry') {
      d.log.warn('drgrade.blob', { event: 'retry', attempts: verdict.attempts, ...fields });
      throw error;
    }
    // Given up on: outputs of a write whose commit failed must not stay behind without their JSON.
    await d.results.removeUncommitted(d.name);
    await new DeadLetterStore(d.control).write(deadLetter(d, error, verdict.attempts, verdict.firstFailureAt));
    await new AttemptLedger(d.control).clear(d.name);
  } catch (bookkeeping) {
    if (bookkeeping === error) throw error;
    d.log.error('drgrade.blob', { event: 'bookkeeping-failed', ...fields, bookkeepingCode: toDrgradeError(bookkeeping).code });
    throw planBookkeepingFailure(error).kind === 'rethrow' ? error : new DrgradeError('STORAGE_TRANSIENT', error.message, { cause: error });
  }
  d.log.error('drgrade.blob', { event: 'dead-lettered', attempts: verdict.attempts, ...fields });
  return { action: 'dead-lettered', nameHash: d.nameHash, code: error.code };
}

/** Which try this was: from the error and the retry context, or, when nothing else counts, from the attempt ledger. */
async function countFailure(d: Delivery, error: DrgradeError): Promise<FailureVerdict> {
  const decision = planFailure({ transient: error.transient, retryContext: d.options.retryContext ?? null });
  if (decision.kind !== 'count-in-ledger') return decision;
  const record = await new AttemptLedger(d.control).recordFailure(d.name, d.facts.etag ?? '', { code: error.code, message: error.message });
  return planLedgerCount({ count: record.count, firstFailureAt: record.firstFailureAt, maxAttempts: d.options.maxAttempts });
}

function deadLetter(d: Delivery, error: DrgradeError, attempts: number, firstFailureAt: string | null) {
  const now = new Date().toISOString();
  return DeadLetterStore.record({
    container: d.deps.settings.incomingContainer,
    name: d.name,
    sourceEtag: d.facts.etag,
    sourceSha256: d.facts.sha256,
    attempts,
    firstFailureAt: firstFailureAt ?? now,
    deadLetteredAt: now,
    error: { code: error.code, message: error.message, transient: error.transient },
    invocationId: d.options.invocationId ?? null,
  });
}

/** The result's `provenance.source`: the version's ETag and length as read, plus what the caller adds. */
function provenanceSource(facts: SourceFacts, extra: Record<string, string | number>) {
  return { etag: facts.etag ?? '', ...(facts.contentLength !== null ? { contentLength: facts.contentLength } : {}), ...extra };
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
