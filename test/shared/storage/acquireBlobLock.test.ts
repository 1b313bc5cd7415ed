import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import { isDrgradeError } from '../../../shared/errors.js';
import { acquireBlobLock } from '../../../shared/storage/acquireBlobLock.js';
import { startAzurite, type TestAzurite } from '../../helpers/azurite.js';

let azurite: TestAzurite;
let container: ContainerClient;

beforeAll(async () => {
  azurite = await startAzurite();
  container = azurite.blobService.getContainerClient('control');
  await container.create();
});
afterAll(async () => azurite?.stop());

describe('acquireBlobLock', () => {
  it('creates the lock blob, excludes a second holder, and hands over on release', async () => {
    const first = await acquireBlobLock(container, 'locks/one', { leaseSeconds: 15 });
    const order: string[] = [];
    const second = acquireBlobLock(container, 'locks/one', { leaseSeconds: 15, waitMs: 20_000 }).then((lock) => {
      order.push('second acquired');
      return lock;
    });
    // Give the waiter several polling rounds while the first still holds the lease.
    await new Promise((r) => setTimeout(r, 500));
    await first.confirm();
    order.push('first released');
    await first.release();
    const lock = await second;
    expect(order).toEqual(['first released', 'second acquired']);
    await lock.confirm();
    await lock.release();
  });

  it('gives up with a transient error when the lock stays held past waitMs', async () => {
    const holder = await acquireBlobLock(container, 'locks/two', { leaseSeconds: 15 });
    const error = await acquireBlobLock(container, 'locks/two', { waitMs: 300 }).catch((e: unknown) => e);
    expect(isDrgradeError(error, 'STORAGE_TRANSIENT')).toBe(true);
    expect((error as Error).message).toMatch(/^Expected the source lock to be free within 300 ms/);
    await holder.release();
  });

  it('reports a lost lease on confirm', async () => {
    const lock = await acquireBlobLock(container, 'locks/three', { leaseSeconds: 15 });
    // Someone breaks the lease (an operator, or expiry after a stall).
    await container.getBlobClient('locks/three').getBlobLeaseClient().breakLease(0);
    const error = await lock.confirm().catch((e: unknown) => e);
    expect(isDrgradeError(error, 'STORAGE_TRANSIENT')).toBe(true);
    await lock.release();
  });

  it('serialises many contenders: never two holders at once', async () => {
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const lock = await acquireBlobLock(container, 'locks/many', { leaseSeconds: 15, waitMs: 60_000 });
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 30));
        inside--;
        await lock.release();
      }),
    );
    expect(maxInside).toBe(1);
  });
});
