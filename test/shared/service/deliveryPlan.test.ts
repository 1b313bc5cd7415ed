import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DrgradeError } from '../../../shared/errors.js';
import {
  defaultMaxAttempts,
  maxRestarts,
  payloadFactOf,
  planAfterCommit,
  planBookkeepingFailure,
  planDownloadFailure,
  planFailure,
  planGradeFailure,
  planLedgerCount,
  planPropertiesFailure,
  planSourceRead,
  planSourceVersion,
  planUnsafeName,
  type CommittedVersion,
  type FailureFacts,
} from '../../../shared/service/deliveryPlan.js';

// Every branch of the delivery plan as a table of facts and the exact decision. The executor (gradeBlob) is
// covered end to end against Azurite in test/functions; these pin the decisions themselves, boundaries included.

const committed = (over: Partial<CommittedVersion> = {}): CommittedVersion => ({ resultEtag: '"r1"', sourceEtag: '"s1"', sourceSha256: 'abc', status: 'graded', ...over });
const unsafeNameRejection = {
  code: 'INVALID_ARGUMENT',
  message: 'Expected a blob name without dot segments, backslashes or control characters, at most 1010 characters long, for the incoming blob name but received a name that cannot be mirrored safely',
};
const failure = (code: FailureFacts['code'], message = 'what went wrong'): FailureFacts => {
  const error = new DrgradeError(code, message);
  return { code: error.code, message: error.message, transient: error.transient, status: error.status };
};

describe('planUnsafeName', () => {
  it.each([
    { label: 'no payload, nothing committed: reject', facts: { payloadSha256: '', committed: null, force: false }, expected: { kind: 'reject-unsafe-name', rejection: unsafeNameRejection, staleResultEtag: null } },
    { label: 'payload, nothing committed: reject', facts: { payloadSha256: 'abc', committed: null, force: false }, expected: { kind: 'reject-unsafe-name', rejection: unsafeNameRejection, staleResultEtag: null } },
    { label: 'payload whose sha is committed: unchanged', facts: { payloadSha256: 'abc', committed: committed({ status: 'rejected' }), force: false }, expected: { kind: 'unchanged', status: 'rejected' } },
    { label: 'payload whose sha is committed, forced: reject again, retracting it', facts: { payloadSha256: 'abc', committed: committed(), force: true }, expected: { kind: 'reject-unsafe-name', rejection: unsafeNameRejection, staleResultEtag: '"r1"' } },
    { label: 'payload of another sha than the committed one: reject, retracting it', facts: { payloadSha256: 'def', committed: committed(), force: false }, expected: { kind: 'reject-unsafe-name', rejection: unsafeNameRejection, staleResultEtag: '"r1"' } },
    { label: 'no payload, committed without a hash: unchanged', facts: { payloadSha256: '', committed: committed({ sourceSha256: '' }), force: false }, expected: { kind: 'unchanged', status: 'rejected' } },
    { label: 'no payload, committed with a hash: reject, retracting it', facts: { payloadSha256: '', committed: committed(), force: false }, expected: { kind: 'reject-unsafe-name', rejection: unsafeNameRejection, staleResultEtag: '"r1"' } },
  ])('$label', ({ facts, expected }) => {
    expect(planUnsafeName(facts)).toStrictEqual(expected);
  });
});

describe('planPropertiesFailure', () => {
  it.each([
    { status: 404, expected: { kind: 'source-missing' } },
    { status: 412, expected: { kind: 'fail', context: 'reading source properties' } },
    { status: 403, expected: { kind: 'fail', context: 'reading source properties' } },
    { status: 500, expected: { kind: 'fail', context: 'reading source properties' } },
    { status: 503, expected: { kind: 'fail', context: 'reading source properties' } },
    { status: undefined, expected: { kind: 'fail', context: 'reading source properties' } },
  ])('status $status', ({ status, expected }) => {
    expect(planPropertiesFailure(status)).toStrictEqual(expected);
  });
});

describe('planSourceVersion', () => {
  const base = { etag: '"s1"', contentLength: 1000, committed: null, force: false, maxImageBytes: 1000 };
  it.each([
    { label: 'nothing committed: read the bytes', facts: base, expected: { kind: 'read-bytes', staleResultEtag: null } },
    { label: 'this version committed: unchanged, with its status', facts: { ...base, committed: committed({ status: 'ungradable' }) }, expected: { kind: 'unchanged', status: 'ungradable' } },
    { label: 'this version committed, forced: read the bytes, retracting it', facts: { ...base, committed: committed(), force: true }, expected: { kind: 'read-bytes', staleResultEtag: '"r1"' } },
    { label: 'an older version committed: read the bytes, retracting it', facts: { ...base, committed: committed({ sourceEtag: '"s0"' }) }, expected: { kind: 'read-bytes', staleResultEtag: '"r1"' } },
    { label: 'one byte over the limit: reject', facts: { ...base, contentLength: 1001 }, expected: { kind: 'reject-too-large', rejection: { code: 'INPUT_TOO_LARGE', message: 'Expected at most 1000 bytes for input but received 1001' }, staleResultEtag: null } },
    { label: 'exactly the limit: read the bytes', facts: { ...base, contentLength: 1000 }, expected: { kind: 'read-bytes', staleResultEtag: null } },
    { label: 'length unknown: read the bytes', facts: { ...base, contentLength: null }, expected: { kind: 'read-bytes', staleResultEtag: null } },
    { label: 'over the limit, older version committed: reject, retracting it', facts: { ...base, contentLength: 5000, committed: committed({ sourceEtag: '"s0"' }) }, expected: { kind: 'reject-too-large', rejection: { code: 'INPUT_TOO_LARGE', message: 'Expected at most 1000 bytes for input but received 5000' }, staleResultEtag: '"r1"' } },
    { label: 'over the limit but this version committed: unchanged comes first', facts: { ...base, contentLength: 5000, committed: committed({ status: 'rejected' }) }, expected: { kind: 'unchanged', status: 'rejected' } },
    { label: 'over the limit, this version committed, forced: reject, retracting it', facts: { ...base, contentLength: 5000, committed: committed(), force: true }, expected: { kind: 'reject-too-large', rejection: { code: 'INPUT_TOO_LARGE', message: 'Expected at most 1000 bytes for input but received 5000' }, staleResultEtag: '"r1"' } },
  ])('$label', ({ facts, expected }) => {
    expect(planSourceVersion(facts)).toStrictEqual(expected);
  });
});

describe('payloadFactOf and planSourceRead', () => {
  const payload = Buffer.from('the photograph the host read');
  const md5 = createHash('md5').update(payload).digest();
  const otherMd5 = createHash('md5').update('another version').digest();
  // Storage hands the MD5 back as a view into a larger buffer: only the view's bytes count.
  const md5View = new Uint8Array([9, 9, ...md5, 9]).subarray(2, 18);
  it.each([
    { label: 'no payload', payload: undefined, contentMd5: md5, fact: 'absent', expected: { kind: 'download-if-match', ifMatch: '"s1"' } },
    { label: 'no payload and no MD5', payload: undefined, contentMd5: undefined, fact: 'absent', expected: { kind: 'download-if-match', ifMatch: '"s1"' } },
    { label: 'payload, no MD5 stored', payload, contentMd5: undefined, fact: 'no-md5', expected: { kind: 'download-if-match', ifMatch: '"s1"' } },
    { label: 'payload, MD5 of the wrong length', payload, contentMd5: md5.subarray(0, 15), fact: 'no-md5', expected: { kind: 'download-if-match', ifMatch: '"s1"' } },
    { label: 'payload whose MD5 matches', payload, contentMd5: md5, fact: 'md5-match', expected: { kind: 'use-payload' } },
    { label: 'payload whose MD5 matches a view into a larger buffer', payload, contentMd5: md5View, fact: 'md5-match', expected: { kind: 'use-payload' } },
    { label: 'payload of another version (MD5 mismatch)', payload, contentMd5: otherMd5, fact: 'md5-mismatch', expected: { kind: 'download-if-match', ifMatch: '"s1"' } },
  ])('$label', ({ payload: p, contentMd5, fact, expected }) => {
    expect(payloadFactOf(p, contentMd5)).toBe(fact);
    expect(planSourceRead({ payload: payloadFactOf(p, contentMd5), etag: '"s1"' })).toStrictEqual(expected);
  });
});

describe('planDownloadFailure', () => {
  const fail = { kind: 'fail', context: 'downloading the source' };
  it.each([
    { status: 412, round: 0, expected: { kind: 'restart', nextRound: 1 } },
    { status: 412, round: 1, expected: { kind: 'restart', nextRound: 2 } },
    { status: 412, round: 2, expected: { kind: 'restart', nextRound: 3 } },
    { status: 412, round: 3, expected: fail },
    { status: 404, round: 0, expected: { kind: 'restart', nextRound: 1 } },
    { status: 404, round: 1, expected: { kind: 'restart', nextRound: 2 } },
    { status: 404, round: 2, expected: { kind: 'restart', nextRound: 3 } },
    { status: 404, round: 3, expected: fail },
    { status: 409, round: 0, expected: fail },
    { status: 500, round: 0, expected: fail },
    { status: 503, round: 0, expected: fail },
    { status: undefined, round: 0, expected: fail },
  ])('status $status at round $round', (facts) => {
    expect(planDownloadFailure(facts)).toStrictEqual(facts.expected);
  });

  it('a version overwritten on every read is downloaded at most 1 + maxRestarts times', () => {
    let round = 0;
    let downloads = 0;
    for (;;) {
      downloads++;
      const decision = planDownloadFailure({ status: 412, round });
      if (decision.kind === 'fail') break;
      round = decision.nextRound;
    }
    expect(maxRestarts).toBe(3);
    expect(downloads).toBe(4);
  });
});

describe('planGradeFailure', () => {
  it.each([
    { label: 'transient inference failure: retry', facts: failure('INFERENCE_TIMEOUT'), expected: { kind: 'retry' } },
    { label: 'transient storage failure: retry', facts: failure('STORAGE_TRANSIENT'), expected: { kind: 'retry' } },
    { label: 'input error (400): rejected with its own message, no dead letter', facts: failure('CORRUPT_IMAGE', 'Expected a JPEG but received garbage'), expected: { kind: 'commit-rejected', rejection: { code: 'CORRUPT_IMAGE', message: 'Expected a JPEG but received garbage' }, deadLetter: false } },
    { label: 'input error (413): rejected with its own message, no dead letter', facts: failure('PIXEL_LIMIT_EXCEEDED', 'Expected at most 4 pixels'), expected: { kind: 'commit-rejected', rejection: { code: 'PIXEL_LIMIT_EXCEEDED', message: 'Expected at most 4 pixels' }, deadLetter: false } },
    { label: 'system error (500): rejected with the title only, dead letter', facts: failure('MODEL_NOT_FOUND', '/secret/path/model.onnx missing'), expected: { kind: 'commit-rejected', rejection: { code: 'MODEL_NOT_FOUND', message: 'Model not found' }, deadLetter: true } },
    { label: 'permanent 502: a system error too', facts: failure('INFERENCE_REJECTED', 'upstream said no'), expected: { kind: 'commit-rejected', rejection: { code: 'INFERENCE_REJECTED', message: 'Inference rejected the request' }, deadLetter: true } },
    { label: 'status 499 is still the input', facts: { code: 'INVALID_ARGUMENT', message: 'm', transient: false, status: 499 } as const, expected: { kind: 'commit-rejected', rejection: { code: 'INVALID_ARGUMENT', message: 'm' }, deadLetter: false } },
    { label: 'status 500 on an input code: the status decides', facts: { code: 'INVALID_ARGUMENT', message: 'm', transient: false, status: 500 } as const, expected: { kind: 'commit-rejected', rejection: { code: 'INVALID_ARGUMENT', message: 'Invalid argument' }, deadLetter: true } },
  ])('$label', ({ facts, expected }) => {
    expect(planGradeFailure(facts)).toStrictEqual(expected);
  });
});

describe('planAfterCommit', () => {
  it.each([
    { systemError: true, committed: 'written', expected: { kind: 'dead-letter-system-error', attempts: 1 } },
    { systemError: true, committed: 'conflict', expected: { kind: 'dead-letter-system-error', attempts: 1 } },
    { systemError: false, committed: 'written', expected: { kind: 'settle-earlier-failures' } },
    { systemError: false, committed: 'conflict', expected: { kind: 'done' } },
  ] as const)('system error $systemError, commit $committed', ({ systemError, committed: c, expected }) => {
    expect(planAfterCommit({ systemError, committed: c })).toStrictEqual(expected);
  });
});

describe('planFailure', () => {
  it.each([
    { label: 'permanent: dead letter at once', facts: { transient: false, retryContext: null }, expected: { kind: 'dead-letter', attempts: 1, firstFailureAt: null } },
    { label: 'permanent under a retry policy: dead letter at once', facts: { transient: false, retryContext: { retryCount: 0, maxRetryCount: 4 } }, expected: { kind: 'dead-letter', attempts: 1, firstFailureAt: null } },
    { label: 'transient, no retry policy: count in the ledger', facts: { transient: true, retryContext: null }, expected: { kind: 'count-in-ledger' } },
    { label: 'transient, first of five tries', facts: { transient: true, retryContext: { retryCount: 0, maxRetryCount: 4 } }, expected: { kind: 'retry', attempts: 1 } },
    { label: 'transient, one before the last', facts: { transient: true, retryContext: { retryCount: 3, maxRetryCount: 4 } }, expected: { kind: 'retry', attempts: 4 } },
    { label: 'transient, the last try', facts: { transient: true, retryContext: { retryCount: 4, maxRetryCount: 4 } }, expected: { kind: 'dead-letter', attempts: 5, firstFailureAt: null } },
    { label: 'transient, past the last try', facts: { transient: true, retryContext: { retryCount: 5, maxRetryCount: 4 } }, expected: { kind: 'dead-letter', attempts: 6, firstFailureAt: null } },
    { label: 'transient, no retries allowed', facts: { transient: true, retryContext: { retryCount: 0, maxRetryCount: 0 } }, expected: { kind: 'dead-letter', attempts: 1, firstFailureAt: null } },
    { label: 'transient, retries forever (maxRetryCount −1)', facts: { transient: true, retryContext: { retryCount: 0, maxRetryCount: -1 } }, expected: { kind: 'retry', attempts: 1 } },
    { label: 'transient, retries forever, many tries in', facts: { transient: true, retryContext: { retryCount: 1000, maxRetryCount: -1 } }, expected: { kind: 'retry', attempts: 1001 } },
  ])('$label', ({ facts, expected }) => {
    expect(planFailure(facts)).toStrictEqual(expected);
  });
});

describe('planLedgerCount', () => {
  const firstFailureAt = '2026-01-02T03:04:05.000Z';
  it.each([
    { label: 'first failure, default limit', facts: { count: 1, firstFailureAt, maxAttempts: undefined }, expected: { kind: 'retry', attempts: 1 } },
    { label: 'one below the default limit', facts: { count: 4, firstFailureAt, maxAttempts: undefined }, expected: { kind: 'retry', attempts: 4 } },
    { label: 'at the default limit', facts: { count: 5, firstFailureAt, maxAttempts: undefined }, expected: { kind: 'dead-letter', attempts: 5, firstFailureAt } },
    { label: 'past the default limit', facts: { count: 7, firstFailureAt, maxAttempts: undefined }, expected: { kind: 'dead-letter', attempts: 7, firstFailureAt } },
    { label: 'below a limit of 2', facts: { count: 1, firstFailureAt, maxAttempts: 2 }, expected: { kind: 'retry', attempts: 1 } },
    { label: 'at a limit of 2', facts: { count: 2, firstFailureAt, maxAttempts: 2 }, expected: { kind: 'dead-letter', attempts: 2, firstFailureAt } },
    { label: 'a limit of 1 gives up on the first failure', facts: { count: 1, firstFailureAt, maxAttempts: 1 }, expected: { kind: 'dead-letter', attempts: 1, firstFailureAt } },
    { label: 'a limit above the default is honoured', facts: { count: 5, firstFailureAt, maxAttempts: 10 }, expected: { kind: 'retry', attempts: 5 } },
  ])('$label', ({ facts, expected }) => {
    expect(planLedgerCount(facts)).toStrictEqual(expected);
  });

  it('defaults to the blob extension’s delivery count', () => {
    expect(defaultMaxAttempts).toBe(5);
  });
});

describe('planBookkeepingFailure', () => {
  it.each([
    { label: 'a transient failure is rethrown as it is', facts: { transient: true }, expected: { kind: 'rethrow' } },
    { label: 'a permanent failure is rethrown as transient, so the platform retries', facts: { transient: false }, expected: { kind: 'rethrow-as-storage-transient' } },
  ])('$label', ({ facts, expected }) => {
    expect(planBookkeepingFailure(facts)).toStrictEqual(expected);
  });
});
