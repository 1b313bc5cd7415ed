import { createHash } from 'node:crypto';
import { errorCatalog, type ErrorCode } from '../errors.js';

/**
 * The decisions of one blob delivery (`gradeBlob`), as pure functions of the facts read so far. Nothing here reads
 * or writes storage or logs: each function names the next step and the data it needs, and the executor performs
 * it. Kept apart so that every branch (restarts, retries, dead letters) can be tested as a table without Azurite,
 * and so that the executor reads as the sequence of steps the plan names.
 */

/** Failed tries of one source version before it is dead-lettered when no retry policy counts them: the blob extension's default delivery count. */
export const defaultMaxAttempts = 5;

/** Downloads that may find the version gone (412 overwritten, 404 deleted) and start over before the failure stands. */
export const maxRestarts = 3;

/** What the committed result of a path says about the source version it was made from (`ResultStore.currentVersion`). */
export interface CommittedVersion {
  readonly resultEtag: string;
  readonly sourceEtag: string;
  readonly sourceSha256: string;
  readonly status: string;
}

/** The code and message of a `rejected` result the executor is to build. */
export interface Rejection {
  readonly code: ErrorCode;
  readonly message: string;
}

/** What a decision needs to know of a failure: the catalogue's classification, not the error object. */
export interface FailureFacts {
  readonly code: ErrorCode;
  readonly message: string;
  readonly transient: boolean;
  readonly status: number;
}

/** Unsafe names: the committed result is matched by the payload's SHA-256, since there is no version to read. */
export type UnsafeNameDecision =
  | { readonly kind: 'unchanged'; readonly status: 'rejected' }
  | { readonly kind: 'reject-unsafe-name'; readonly rejection: Rejection; readonly staleResultEtag: string | null };

/**
 * A name the SDK would resolve to another blob (dot segments and the like) is never read: one `rejected` result is
 * recorded, unless one for the same payload is committed already. `payloadSha256` is `''` without a payload, which
 * then matches a committed result that recorded no hash either.
 */
export function planUnsafeName(facts: { readonly payloadSha256: string; readonly committed: CommittedVersion | null; readonly force: boolean }): UnsafeNameDecision {
  const { committed } = facts;
  if (committed && committed.sourceSha256 === facts.payloadSha256 && !facts.force) return { kind: 'unchanged', status: 'rejected' };
  return {
    kind: 'reject-unsafe-name',
    rejection: { code: 'INVALID_ARGUMENT', message: 'Expected a blob name without dot segments, backslashes or control characters, at most 1010 characters long, for the incoming blob name but received a name that cannot be mirrored safely' },
    staleResultEtag: committed?.resultEtag ?? null,
  };
}

/** A failed read of a storage object: either the named outcome, or a failure raised as a storage error with this context. */
export type StorageFailureDecision<Other> = Other | { readonly kind: 'fail'; readonly context: string };

/** A source deleted before its properties could be read is no failure: there is nothing left to grade. */
export function planPropertiesFailure(status: number | undefined): StorageFailureDecision<{ readonly kind: 'source-missing' }> {
  return status === 404 ? { kind: 'source-missing' } : { kind: 'fail', context: 'reading source properties' };
}

/** What to do with the version whose properties were just read. */
export type SourceVersionDecision =
  | { readonly kind: 'unchanged'; readonly status: string }
  | { readonly kind: 'reject-too-large'; readonly rejection: Rejection; readonly staleResultEtag: string | null }
  | { readonly kind: 'read-bytes'; readonly staleResultEtag: string | null };

/**
 * A committed result of this very version (by ETag) makes the delivery a duplicate unless forced. A version over
 * the size limit is rejected from its `Content-Length` alone: the limit exists to keep such blobs out of memory.
 * `staleResultEtag` is the committed result of an older version, which the commit retracts first.
 */
export function planSourceVersion(facts: {
  readonly etag: string;
  readonly contentLength: number | null;
  readonly committed: CommittedVersion | null;
  readonly force: boolean;
  readonly maxImageBytes: number;
}): SourceVersionDecision {
  const { committed } = facts;
  if (committed && committed.sourceEtag === facts.etag && !facts.force) return { kind: 'unchanged', status: committed.status };
  const staleResultEtag = committed?.resultEtag ?? null;
  if (facts.contentLength !== null && facts.contentLength > facts.maxImageBytes) {
    return { kind: 'reject-too-large', rejection: { code: 'INPUT_TOO_LARGE', message: `Expected at most ${facts.maxImageBytes} bytes for input but received ${facts.contentLength}` }, staleResultEtag };
  }
  return { kind: 'read-bytes', staleResultEtag };
}

/**
 * How the trigger's payload compares with the version read under the lock: `absent` (none given), `no-md5` (storage
 * recorded no usable `Content-MD5`), `md5-match` or `md5-mismatch` (the blob changed since the host read it).
 */
export type PayloadFact = 'absent' | 'no-md5' | 'md5-match' | 'md5-mismatch';

/** Whether `payload` is the content whose MD5 storage recorded for the version just read (its bytes, not a stale copy). */
export function payloadFactOf(payload: Uint8Array | undefined, contentMd5: Uint8Array | undefined): PayloadFact {
  if (!payload) return 'absent';
  if (!contentMd5 || contentMd5.byteLength !== 16) return 'no-md5';
  return createHash('md5').update(payload).digest().equals(Buffer.from(contentMd5.buffer, contentMd5.byteOffset, contentMd5.byteLength)) ? 'md5-match' : 'md5-mismatch';
}

/** Where the bytes to grade come from. */
export type SourceReadDecision = { readonly kind: 'use-payload' } | { readonly kind: 'download-if-match'; readonly ifMatch: string };

/** The payload is graded only when it is provably the version's bytes; anything else downloads exactly that version. */
export function planSourceRead(facts: { readonly payload: PayloadFact; readonly etag: string }): SourceReadDecision {
  return facts.payload === 'md5-match' ? { kind: 'use-payload' } : { kind: 'download-if-match', ifMatch: facts.etag };
}

/**
 * A conditional download that finds the version overwritten (412) or deleted (404) starts over with whatever is
 * there now, up to {@link maxRestarts} times (rounds 0 to 2 restart, round 3 fails), so a blob rewritten in a loop
 * cannot keep a delivery going forever.
 */
export function planDownloadFailure(facts: { readonly status: number | undefined; readonly round: number }): StorageFailureDecision<{ readonly kind: 'restart'; readonly nextRound: number }> {
  if ((facts.status === 412 || facts.status === 404) && facts.round < maxRestarts) return { kind: 'restart', nextRound: facts.round + 1 };
  return { kind: 'fail', context: 'downloading the source' };
}

/** What a failed grading means for the delivery. */
export type GradeFailureDecision = { readonly kind: 'commit-rejected'; readonly rejection: Rejection; readonly deadLetter: boolean } | { readonly kind: 'retry' };

/**
 * A transient failure goes back to the platform (failure handling counts it). A permanent one becomes a committed
 * `rejected` result: with the error's own message when the catalogue blames the input (4xx), and with only the
 * catalogue's title plus a dead-letter record when it is our fault (≥ 500: model missing, a bug), so that the
 * photograph can be replayed once that is fixed and internals stay out of the result.
 */
export function planGradeFailure(failure: FailureFacts): GradeFailureDecision {
  if (failure.transient) return { kind: 'retry' };
  const system = failure.status >= 500;
  return { kind: 'commit-rejected', rejection: { code: failure.code, message: system ? errorCatalog[failure.code].title : failure.message }, deadLetter: system };
}

/** Bookkeeping after a commit. */
export type AfterCommitDecision = { readonly kind: 'dead-letter-system-error'; readonly attempts: 1 } | { readonly kind: 'settle-earlier-failures' } | { readonly kind: 'done' };

/**
 * A system error keeps its replayable record whatever the commit did. A written set settles earlier failures of
 * the path (their attempt count and dead letters); a conflict leaves them to the writer that won.
 */
export function planAfterCommit(facts: { readonly systemError: boolean; readonly committed: 'written' | 'conflict' }): AfterCommitDecision {
  if (facts.systemError) return { kind: 'dead-letter-system-error', attempts: 1 };
  return facts.committed === 'written' ? { kind: 'settle-earlier-failures' } : { kind: 'done' };
}

/** A failed delivery: tried again by the platform, or given up on with a dead letter. */
export type FailureVerdict =
  | { readonly kind: 'retry'; readonly attempts: number }
  | { readonly kind: 'dead-letter'; readonly attempts: number; readonly firstFailureAt: string | null };

/** A failed delivery, before the attempt ledger is read when nothing else counts the tries. */
export type FailureDecision = FailureVerdict | { readonly kind: 'count-in-ledger' };

/**
 * A permanent failure is given up on at once. A transient one is retried until the last try: the runtime's retry
 * context says which that is when a retry policy drives retries (`maxRetryCount` −1 retries forever); otherwise
 * the attempt ledger counts failures per source version ({@link planLedgerCount}).
 */
export function planFailure(facts: { readonly transient: boolean; readonly retryContext: { readonly retryCount: number; readonly maxRetryCount: number } | null }): FailureDecision {
  if (!facts.transient) return { kind: 'dead-letter', attempts: 1, firstFailureAt: null };
  const context = facts.retryContext;
  if (context === null) return { kind: 'count-in-ledger' };
  const attempts = context.retryCount + 1;
  const last = context.maxRetryCount >= 0 && context.retryCount >= context.maxRetryCount;
  return last ? { kind: 'dead-letter', attempts, firstFailureAt: null } : { kind: 'retry', attempts };
}

/** The ledger's count of failures of this version (this one included) against the allowed tries. */
export function planLedgerCount(facts: { readonly count: number; readonly firstFailureAt: string; readonly maxAttempts: number | undefined }): FailureVerdict {
  if (facts.count >= (facts.maxAttempts ?? defaultMaxAttempts)) return { kind: 'dead-letter', attempts: facts.count, firstFailureAt: facts.firstFailureAt };
  return { kind: 'retry', attempts: facts.count };
}

/** What is thrown when the failure's own bookkeeping (ledger, dead letter, clean-up) fails too. */
export type BookkeepingFailureDecision = { readonly kind: 'rethrow' } | { readonly kind: 'rethrow-as-storage-transient' };

/**
 * Storage is failing too: the platform must retry (and, past its own limit, poison its message), so even a
 * permanent failure is thrown as transient; nothing was recorded that would stop the retries.
 */
export function planBookkeepingFailure(failure: { readonly transient: boolean }): BookkeepingFailureDecision {
  return failure.transient ? { kind: 'rethrow' } : { kind: 'rethrow-as-storage-transient' };
}
