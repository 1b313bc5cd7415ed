/** Options of {@link backoffDelayMs}. */
export interface BackoffOptions {
  /** Delay scale of the first retry. @default 100 */
  readonly baseDelayMs?: number;
  /** Ceiling of any delay. @default 2000 */
  readonly maxDelayMs?: number;
  /** Uniform random number in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/**
 * Delay before retry number `attempt` (0 for the first retry): exponential backoff with full jitter,
 * random(0, min(maxDelayMs, baseDelayMs * 2^attempt)), as in M. Brooker, "Exponential Backoff And Jitter",
 * AWS Architecture Blog, 2015. Full jitter spreads the retries of many clients that failed together.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseDelayMs ?? 100;
  const cap = options.maxDelayMs ?? 2000;
  const random = options.random ?? Math.random;
  return random() * Math.min(cap, base * 2 ** attempt);
}
