import { describe, expect, it } from 'vitest';
import { DrgradeError, isDrgradeError } from '../../../shared/errors.js';
import { withDeadline } from '../../../shared/http/withDeadline.js';

describe('withDeadline', () => {
  it('returns the work result when it finishes first', async () => {
    expect(await withDeadline(async () => 42, 10_000)).toBe(42);
  });

  it('rejects with DEADLINE_EXCEEDED (504, transient) when the work ignores its signal and never ends', async () => {
    let seen: AbortSignal | undefined;
    const error = await withDeadline((signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    }, 50).catch((e: unknown) => e);
    expect(isDrgradeError(error, 'DEADLINE_EXCEEDED')).toBe(true);
    expect((error as DrgradeError).status).toBe(504);
    expect(seen?.aborted).toBe(true);
  });

  it('reports the deadline, not the error the aborted work threw', async () => {
    const error = await withDeadline(
      (signal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new DrgradeError('INFERENCE_TIMEOUT', 'aborted')))),
      50,
    ).catch((e: unknown) => e);
    expect(isDrgradeError(error, 'DEADLINE_EXCEEDED')).toBe(true);
  });

  it('passes the work own errors through before the deadline', async () => {
    const error = await withDeadline(async () => {
      throw new DrgradeError('CORRUPT_IMAGE', 'bad');
    }, 10_000).catch((e: unknown) => e);
    expect(isDrgradeError(error, 'CORRUPT_IMAGE')).toBe(true);
  });
});
