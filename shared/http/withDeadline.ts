import { DrgradeError } from '../errors.js';

/**
 * Runs `work` with an abort signal that fires after `deadlineMs` and rejects with `DEADLINE_EXCEEDED` (504) at that
 * moment even if the work ignores the signal, so a response always leaves well before the platform's 230 s limit.
 */
export async function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, deadlineMs: number): Promise<T> {
  const controller = new AbortController();
  const expired = new DrgradeError('DEADLINE_EXCEEDED', `Expected the request to finish within ${deadlineMs} ms but received no result in time`, {
    details: { deadlineMs },
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(expired);
      reject(expired);
    }, deadlineMs);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } catch (error) {
    // Work that noticed the abort may reject first with its own error (AbortError, a timeout): the cause is the deadline.
    if (controller.signal.aborted) throw expired;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
