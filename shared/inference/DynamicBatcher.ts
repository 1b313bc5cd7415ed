import { DrgradeError, invalidArgument } from '../errors.js';

/** Options of {@link DynamicBatcher}, in Triton's terms. */
export interface DynamicBatcherOptions<T, R> {
  /** Most rows run together (Triton `max_batch_size`); a single larger request runs alone. @default 16 */
  readonly maxBatchSize?: number;
  /**
   * Longest a request waits for others to fill a batch (Triton `max_queue_delay_microseconds`, in ms here).
   * A batch starts as soon as it is full, or when its oldest request has waited this long and the runner is free;
   * requests that queued while the previous batch ran are already old enough and start at once. With 0, a batch is
   * whatever queued while the runner was busy: no request waits for company, and under load batches still form
   * (the session runs on a worker thread, shared/model/OrtWorkerSession.ts, so the event loop keeps reading requests
   * while a batch runs and they pile up for the next one).
   * @default 0
   */
  readonly maxQueueDelayMs?: number;
  /** Most requests waiting (not running); one more is refused with `INFERENCE_OVERLOADED`. @default 128 */
  readonly maxQueueSize?: number;
  /** Rows of one request (its batch dimension). @default () => 1 */
  readonly rowsOf?: (item: T) => number;
  /** Runs a batch; must return one result per item, in order. */
  readonly execute: (items: T[]) => Promise<R[]>;
  /** Told about every batch that starts (for metrics). */
  readonly onBatch?: (batch: { requests: number; rows: number }) => void;
}

/** Options of one {@link DynamicBatcher.submit}. */
export interface SubmitOptions {
  /** Absolute deadline (`Date.now()` clock): a request still queued then fails with `DEADLINE_EXCEEDED`. */
  readonly deadline?: number;
  /** Aborting removes a queued request (e.g. the client went away). */
  readonly signal?: AbortSignal;
}

interface Entry<T, R> {
  readonly item: T;
  readonly rows: number;
  readonly enqueuedAt: number;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
  cleanup: () => void;
}

/**
 * Dynamic batching: requests queue and run together, one batch at a time, up to `maxBatchSize` rows or after
 * `maxQueueDelayMs`; each caller gets its own result. The queue is bounded (backpressure instead of collapse),
 * and queued requests honour deadlines and abort signals. Pure scheduling: it knows nothing of tensors.
 */
export class DynamicBatcher<T, R> {
  readonly maxBatchSize: number;
  readonly maxQueueDelayMs: number;
  readonly maxQueueSize: number;
  readonly #rowsOf: (item: T) => number;
  readonly #execute: (items: T[]) => Promise<R[]>;
  readonly #onBatch: ((batch: { requests: number; rows: number }) => void) | undefined;
  readonly #queue: Entry<T, R>[] = [];
  #running: Promise<void> | undefined;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: DynamicBatcherOptions<T, R>) {
    this.maxBatchSize = positiveInteger(options.maxBatchSize ?? 16, 'maxBatchSize', 1);
    this.maxQueueDelayMs = positiveInteger(options.maxQueueDelayMs ?? 0, 'maxQueueDelayMs', 0);
    this.maxQueueSize = positiveInteger(options.maxQueueSize ?? 128, 'maxQueueSize', 1);
    this.#rowsOf = options.rowsOf ?? (() => 1);
    this.#execute = options.execute;
    this.#onBatch = options.onBatch;
  }

  /** Requests waiting to run. */
  get queueDepth(): number {
    return this.#queue.length;
  }

  /** Queues one request; resolves with its result, or rejects (overloaded, deadline, aborted, closed, or the batch failed). */
  submit(item: T, options: SubmitOptions = {}): Promise<R> {
    if (this.#closed) return Promise.reject(new DrgradeError('INFERENCE_UNAVAILABLE', 'Expected a running batcher for submit but received a closed one'));
    if (this.#queue.length >= this.maxQueueSize) {
      return Promise.reject(
        new DrgradeError('INFERENCE_OVERLOADED', `Expected fewer than ${this.maxQueueSize} queued requests for the inference queue but received ${this.#queue.length}: queue full`),
      );
    }
    const { signal, deadline } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (deadline !== undefined && deadline <= Date.now()) return Promise.reject(deadlineError());
    return new Promise<R>((resolve, reject) => {
      const entry: Entry<T, R> = { item, rows: this.#rowsOf(item), enqueuedAt: Date.now(), resolve, reject, cleanup: () => undefined };
      const drop = (error: unknown): void => {
        const i = this.#queue.indexOf(entry);
        if (i < 0) return;
        this.#queue.splice(i, 1);
        entry.cleanup();
        reject(error);
      };
      const onAbort = (): void => drop(signal?.reason);
      const deadlineTimer = deadline === undefined ? undefined : setTimeout(() => drop(deadlineError()), deadline - Date.now());
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.cleanup = () => {
        if (deadlineTimer !== undefined) clearTimeout(deadlineTimer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.#queue.push(entry);
      this.#pump();
    });
  }

  /**
   * Refuses new requests and fails the queued ones with `INFERENCE_UNAVAILABLE`; resolves once the running batch
   * (if any) has finished, so that the runtime can be released safely afterwards.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const entry of this.#queue.splice(0)) {
      entry.cleanup();
      entry.reject(new DrgradeError('INFERENCE_UNAVAILABLE', 'Expected a running server for a queued request but received a shutdown'));
    }
    await this.#running;
  }

  #pump(): void {
    if (this.#running !== undefined || this.#closed || this.#queue.length === 0) return;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const queuedRows = this.#queue.reduce((n, e) => n + e.rows, 0);
    const waitedMs = Date.now() - this.#queue[0]!.enqueuedAt;
    if (queuedRows < this.maxBatchSize && waitedMs < this.maxQueueDelayMs) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#pump();
      }, this.maxQueueDelayMs - waitedMs);
      return;
    }
    const batch: Entry<T, R>[] = [];
    let rows = 0;
    // The first request always goes, even when it alone exceeds maxBatchSize; the others fill up to the limit.
    while (this.#queue.length > 0 && (batch.length === 0 || rows + this.#queue[0]!.rows <= this.maxBatchSize)) {
      const entry = this.#queue.shift()!;
      entry.cleanup();
      batch.push(entry);
      rows += entry.rows;
    }
    this.#onBatch?.({ requests: batch.length, rows });
    this.#running = this.#run(batch);
  }

  async #run(batch: Entry<T, R>[]): Promise<void> {
    try {
      const results = await this.#execute(batch.map((e) => e.item));
      if (results.length !== batch.length) throw new DrgradeError('INTERNAL', `Expected ${batch.length} results for a batch but received ${results.length}`);
      batch.forEach((e, i) => e.resolve(results[i]!));
    } catch (error) {
      for (const e of batch) e.reject(error);
    } finally {
      this.#running = undefined;
      // setImmediate lets the event loop read the requests that arrived while the batch ran before the next batch forms.
      setImmediate(() => this.#pump());
    }
  }
}

function deadlineError(): DrgradeError {
  return new DrgradeError('DEADLINE_EXCEEDED', 'Expected the request to start before its deadline but received a deadline that passed while it was queued');
}

function positiveInteger(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw invalidArgument(name, `an integer >= ${min}`, value);
  return value;
}
