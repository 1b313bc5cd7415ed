import type fc from 'fast-check';

/**
 * One fuzzed entry point: generated inputs go to `run`, which resolves when the input ended in a valid result and
 * rejects with a `DrgradeError` when it was refused; anything else thrown is an untyped error, a run past
 * `deadlineMs` a hang, an uncaught exception or unhandled rejection meanwhile (or a dropped connection) a crash.
 */
export interface FuzzTarget<T> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  run(input: T): Promise<void>;
  /** Longest one input may take. */
  readonly deadlineMs: number;
  /** Releases what the target started (servers, sessions). */
  close(): Promise<void>;
}

/** A failure the target found that is not a typed refusal: a dropped connection counts as a crash. */
export class FuzzCrash extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FuzzCrash';
  }
}

/** A response that reports an untyped failure of the code under test (e.g. a 500 `INTERNAL`). */
export class FuzzUntyped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuzzUntyped';
  }
}
