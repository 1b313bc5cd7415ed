import { DrgradeError } from '../errors.js';

/** Options of {@link AdmissionGate}. */
export interface AdmissionGateOptions {
  /** Photographs analysed at once; more wait in the queue. */
  readonly maxConcurrent: number;
  /** Requests waiting for a slot; beyond it a request is refused at once with `SERVICE_OVERLOADED` (503). */
  readonly maxQueued: number;
  /** Service time assumed before the first request finishes, for the `Retry-After` hint. @default 1000 */
  readonly initialServiceMs?: number;
}

/**
 * Backpressure for one instance: at most `maxConcurrent` units of work run, at most `maxQueued` wait in FIFO
 * order, and the next one is refused with `SERVICE_OVERLOADED` whose `retryAfterMs` estimates when a slot frees
 * (mean service time × queue depth per slot). A queued request whose signal aborts (its deadline) leaves the queue.
 * A running one keeps its slot until its work really ends, so the count reflects the memory and CPU in use even
 * after the client was answered 504.
 */
export class AdmissionGate {
  readonly #maxConcurrent: number;
  readonly #maxQueued: number;
  readonly #queue: (() => void)[] = [];
  #running = 0;
  #meanServiceMs: number;

  constructor(options: AdmissionGateOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) throw new DrgradeError('INVALID_ARGUMENT', `Expected an integer >= 1 for maxConcurrent but received ${options.maxConcurrent}`);
    if (!Number.isInteger(options.maxQueued) || options.maxQueued < 0) throw new DrgradeError('INVALID_ARGUMENT', `Expected an integer >= 0 for maxQueued but received ${options.maxQueued}`);
    this.#maxConcurrent = options.maxConcurrent;
    this.#maxQueued = options.maxQueued;
    this.#meanServiceMs = options.initialServiceMs ?? 1000;
  }

  /** Work running now. */
  get running(): number {
    return this.#running;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Runs `work` in a slot, waiting in the queue when all are taken; throws `SERVICE_OVERLOADED` when the queue is full. */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.#running >= this.#maxConcurrent) await this.#wait(signal);
    else this.#running++;
    const started = performance.now();
    try {
      return await work();
    } finally {
      // Exponentially weighted, so the hint follows the load without jumping on one slow photograph.
      this.#meanServiceMs = 0.8 * this.#meanServiceMs + 0.2 * (performance.now() - started);
      this.#release();
    }
  }

  #wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.#queue.length >= this.#maxQueued) {
      const retryAfterMs = Math.ceil(this.#meanServiceMs * Math.ceil((this.#queue.length + 1) / this.#maxConcurrent));
      throw new DrgradeError('SERVICE_OVERLOADED', `Expected a free analysis slot or queue place but received ${this.#running} running and ${this.#queue.length} queued (the limits)`, {
        details: { retryAfterMs, running: this.#running, queued: this.#queue.length },
      });
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
        reject(signal!.reason);
      };
      const waiter = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(): void {
    const next = this.#queue.shift();
    // The slot passes straight to the next waiter: `running` stays the same.
    if (next) next();
    else this.#running--;
  }
}
