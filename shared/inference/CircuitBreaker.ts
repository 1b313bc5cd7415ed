import { DrgradeError } from '../errors.js';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 5 */
  readonly failureThreshold?: number;
  /** How long the circuit stays open before one trial call may pass. @default 10000 */
  readonly resetAfterMs?: number;
  /** Clock. @default Date.now */
  readonly now?: () => number;
}

/** Circuit state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker (closed → open after `failureThreshold` consecutive failures → half-open after
 * `resetAfterMs`, letting one trial through → closed on its success, open again on its failure). While open,
 * calls fail at once with `CIRCUIT_OPEN` instead of piling onto a server that is down.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #resetAfterMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#resetAfterMs = options.resetAfterMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The current state. */
  get state(): CircuitState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#now() - this.#openedAt >= this.#resetAfterMs ? 'half-open' : 'open';
  }

  /** Call before each attempt: throws `CIRCUIT_OPEN` when the attempt must not go out. */
  acquire(): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half-open' && !this.#trialInFlight) {
      this.#trialInFlight = true;
      return;
    }
    const retryInMs = Math.max(0, this.#resetAfterMs - (this.#now() - this.#openedAt!));
    throw new DrgradeError('CIRCUIT_OPEN', `Expected a reachable inference service but received ${this.#failures} consecutive failures; circuit open, next trial in ${retryInMs} ms`, {
      details: { retryInMs },
    });
  }

  /** Records a successful attempt: the circuit closes. */
  onSuccess(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#trialInFlight = false;
  }

  /** Records a failed attempt (only failures of the service count, not rejected requests). */
  onFailure(): void {
    this.#failures++;
    if (this.#trialInFlight || this.#failures >= this.#threshold) this.#openedAt = this.#now();
    this.#trialInFlight = false;
  }

  /** Records an attempt that ended without telling anything about the service (e.g. the caller aborted). */
  onNeutral(): void {
    this.#trialInFlight = false;
  }
}
