import { DrgradeError, isDrgradeError } from '../errors.js';

/** HTTP statuses that storage documents as retryable (timeouts, throttling, server busy). */
const transientStatuses = new Set([408, 429, 500, 502, 503, 504]);

/** Network failure codes that mean "the account could not be reached right now". */
const transientNetworkCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** The HTTP status of a storage SDK error, when it has one. */
export function storageStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Maps anything a storage call threw to a {@link DrgradeError}: throttling, server errors, timeouts and unreachable
 * endpoints become `STORAGE_TRANSIENT` (the platform retries), other failures `STORAGE_FAILED`.
 * `operation` names what was attempted (never a blob name: callers pass hashes).
 */
export function toStorageError(error: unknown, operation: string): DrgradeError {
  if (isDrgradeError(error)) return error;
  const status = storageStatusOf(error);
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  const transient =
    (status !== undefined && transientStatuses.has(status)) ||
    (status === undefined && (name === 'AbortError' || (typeof code === 'string' && transientNetworkCodes.has(code)) || name === 'RestError'));
  const reason = status !== undefined ? `HTTP ${status}${typeof code === 'string' ? ` ${code}` : ''}` : typeof code === 'string' ? code : 'an unknown failure';
  return new DrgradeError(transient ? 'STORAGE_TRANSIENT' : 'STORAGE_FAILED', `Expected storage to complete ${operation} but received ${reason}`, {
    cause: error,
    details: { operation, ...(status !== undefined ? { status } : {}) },
  });
}
