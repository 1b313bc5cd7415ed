import { describe, expect, it } from 'vitest';
import { DrgradeError, isDrgradeError } from '../../../shared/errors.js';
import { AdmissionGate } from '../../../shared/http/AdmissionGate.js';
import { defaultConcurrentAnalyses } from '../../../shared/http/defaultConcurrentAnalyses.js';

/** A promise with its resolver, so a test decides when a unit of work ends. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('AdmissionGate', () => {
  it('runs up to maxConcurrent, queues up to maxQueued in order, refuses the next with SERVICE_OVERLOADED', async () => {
    const gate = new AdmissionGate({ maxConcurrent: 2, maxQueued: 1, initialServiceMs: 1500 });
    const order: string[] = [];
    const latches = [latch(), latch(), latch()];
    const runs = latches.map((l, i) =>
      gate.run(async () => {
        order.push(`start ${i}`);
        await l.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect([gate.running, gate.queued]).toEqual([2, 1]);
    const refused = await gate.run(async () => 99).catch((e: unknown) => e);
    expect(isDrgradeError(refused, 'SERVICE_OVERLOADED')).toBe(true);
    expect((refused as DrgradeError).status).toBe(503);
    expect((refused as DrgradeError).transient).toBe(true);
    expect((refused as DrgradeError).details.retryAfterMs).toBe(1500);
    expect(order).toEqual(['start 0', 'start 1']);
    latches[1]!.open();
    expect(await runs[1]).toBe(1);
    await Promise.resolve();
    expect(order).toEqual(['start 0', 'start 1', 'start 2']);
    expect([gate.running, gate.queued]).toEqual([2, 0]);
    latches[0]!.open();
    latches[2]!.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect([gate.running, gate.queued]).toEqual([0, 0]);
  });

  it('frees the slot when the work throws', async () => {
    const gate = new AdmissionGate({ maxConcurrent: 1, maxQueued: 0 });
    await expect(gate.run(async () => Promise.reject(new DrgradeError('CORRUPT_IMAGE', 'bad')))).rejects.toThrow('bad');
    expect(await gate.run(async () => 'next')).toBe('next');
  });

  it('drops a queued request whose signal aborts, with the signal reason, and keeps the others', async () => {
    const gate = new AdmissionGate({ maxConcurrent: 1, maxQueued: 2 });
    const first = latch();
    const running = gate.run(() => first.promise);
    const controller = new AbortController();
    const abandoned = gate.run(async () => 'never', controller.signal).catch((e: unknown) => e);
    const kept = gate.run(async () => 'kept');
    await Promise.resolve();
    expect(gate.queued).toBe(2);
    const reason = new DrgradeError('DEADLINE_EXCEEDED', 'late');
    controller.abort(reason);
    expect(await abandoned).toBe(reason);
    expect(gate.queued).toBe(1);
    first.open();
    await running;
    expect(await kept).toBe('kept');
  });

  it('refuses bounds that are not positive integers', () => {
    expect(() => new AdmissionGate({ maxConcurrent: 0, maxQueued: 1 })).toThrow(/maxConcurrent/);
    expect(() => new AdmissionGate({ maxConcurrent: 1, maxQueued: -1 })).toThrow(/maxQueued/);
  });
});

describe('defaultConcurrentAnalyses', () => {
  const gib = 1024 ** 3;
  it('is one per core when memory allows, fewer when it does not, and never 0', () => {
    expect(defaultConcurrentAnalyses(4, 16 * gib)).toBe(4);
    // Flex Consumption 2 GB instance: (2048 - 512) / 448 MiB = 3 analyses fit, but 2 cores.
    expect(defaultConcurrentAnalyses(2, 2 * gib)).toBe(2);
    expect(defaultConcurrentAnalyses(8, 2 * gib)).toBe(3);
    expect(defaultConcurrentAnalyses(8, 4 * gib)).toBe(8);
    expect(defaultConcurrentAnalyses(8, 0.5 * gib)).toBe(1);
  });
});
