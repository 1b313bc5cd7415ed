import { describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { DynamicBatcher } from '../../../shared/inference/DynamicBatcher.js';

/** A runner the test releases by hand, recording every batch it was given. */
function gatedRunner() {
  const batches: number[][] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => (release = r));
  return {
    batches,
    execute: async (items: number[]) => {
      batches.push([...items]);
      await gate;
      return items.map((x) => x * 10);
    },
    open: () => {
      release();
      gate = Promise.resolve();
    },
  };
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (error) {
    return isDrgradeError(error) ? error.code : String(error);
  }
  return 'resolved';
};

describe('DynamicBatcher', () => {
  it('runs what queued while a batch ran as the next batch, results to the right callers', async () => {
    const runner = gatedRunner();
    const batcher = new DynamicBatcher<number, number>({ maxBatchSize: 4, execute: runner.execute });
    const first = batcher.submit(1);
    const rest = [2, 3, 4, 5, 6].map((x) => batcher.submit(x));
    expect(batcher.queueDepth).toBe(5);
    runner.open();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50, 60]);
    expect(runner.batches).toEqual([[1], [2, 3, 4, 5], [6]]);
  });

  it('waits up to maxQueueDelayMs for a batch to fill, and starts as soon as it is full', async () => {
    const batches: number[][] = [];
    const batcher = new DynamicBatcher<number, number>({
      maxBatchSize: 3,
      maxQueueDelayMs: 600_000,
      execute: async (items) => {
        batches.push(items);
        return items;
      },
    });
    const a = batcher.submit(1);
    const b = batcher.submit(2);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([]);
    const c = batcher.submit(3);
    expect(await Promise.all([a, b, c])).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('counts rows, not requests, and runs an oversized request alone', async () => {
    const runner = gatedRunner();
    const batcher = new DynamicBatcher<number, number>({ maxBatchSize: 4, rowsOf: (x) => x, execute: runner.execute });
    const all = [1, 3, 2, 2, 9, 1].map((x) => batcher.submit(x));
    runner.open();
    await Promise.all(all);
    expect(runner.batches).toEqual([[1], [3], [2, 2], [9], [1]]);
  });

  it('refuses a request when the queue is full', async () => {
    const runner = gatedRunner();
    const batcher = new DynamicBatcher<number, number>({ maxBatchSize: 1, maxQueueSize: 2, execute: runner.execute });
    const running = batcher.submit(1);
    const queued = [batcher.submit(2), batcher.submit(3)];
    expect(await codeOf(batcher.submit(4))).toBe('INFERENCE_OVERLOADED');
    runner.open();
    expect(await Promise.all([running, ...queued])).toEqual([10, 20, 30]);
  });

  it('fails a queued request whose deadline passes, and one whose signal aborts', async () => {
    const runner = gatedRunner();
    const batcher = new DynamicBatcher<number, number>({ maxBatchSize: 1, execute: runner.execute });
    const running = batcher.submit(1);
    const late = codeOf(batcher.submit(2, { deadline: Date.now() + 20 }));
    const controller = new AbortController();
    const abandoned = codeOf(batcher.submit(3, { signal: controller.signal }));
    controller.abort(new Error('client went away'));
    expect(await abandoned).toBe('Error: client went away');
    expect(await late).toBe('DEADLINE_EXCEEDED');
    expect(batcher.queueDepth).toBe(0);
    expect(await codeOf(batcher.submit(4, { deadline: Date.now() - 1 }))).toBe('DEADLINE_EXCEEDED');
    runner.open();
    expect(await running).toBe(10);
    expect(runner.batches).toEqual([[1]]);
  });

  it('rejects every request of a failed batch and keeps serving', async () => {
    let fail = true;
    const batcher = new DynamicBatcher<number, number>({
      maxBatchSize: 2,
      maxQueueDelayMs: 600_000,
      execute: async (items) => {
        if (fail) throw new Error('boom');
        return items;
      },
    });
    const failed = [batcher.submit(1), batcher.submit(2)].map(codeOf);
    expect(await Promise.all(failed)).toEqual(['Error: boom', 'Error: boom']);
    fail = false;
    expect(await Promise.all([batcher.submit(3), batcher.submit(4)])).toEqual([3, 4]);
  });

  it('fails queued requests on close and refuses new ones', async () => {
    const runner = gatedRunner();
    const batcher = new DynamicBatcher<number, number>({ maxBatchSize: 1, execute: runner.execute });
    const running = batcher.submit(1);
    const queued = batcher.submit(2);
    let closed = false;
    const closing = batcher.close().then(() => (closed = true));
    expect(await codeOf(queued)).toBe('INFERENCE_UNAVAILABLE');
    expect(await codeOf(batcher.submit(3))).toBe('INFERENCE_UNAVAILABLE');
    // close() waits for the running batch.
    expect(closed).toBe(false);
    runner.open();
    expect(await running).toBe(10);
    await closing;
    expect(closed).toBe(true);
  });

  it('rejects invalid options', () => {
    expect(() => new DynamicBatcher({ maxBatchSize: 0, execute: async () => [] })).toThrow(/maxBatchSize/);
    expect(() => new DynamicBatcher({ maxQueueDelayMs: -1, execute: async () => [] })).toThrow(/maxQueueDelayMs/);
  });
});
