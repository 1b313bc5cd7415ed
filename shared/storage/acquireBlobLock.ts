import { randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { DrgradeError } from '../errors.js';
import { storageStatusOf, toStorageError } from './toStorageError.js';

/** A held lock: a blob lease renewed in the background until released. */
export interface BlobLock {
  /** Renews now; throws `STORAGE_TRANSIENT` when the lease was lost (another worker may now hold it). */
  confirm(): Promise<void>;
  /** Releases the lease; never throws (an unreleased lease expires by itself). */
  release(): Promise<void>;
}

/** Options of {@link acquireBlobLock}. */
export interface AcquireBlobLockOptions {
  /** Lease duration; storage allows 15–60 s. The lease is renewed every third of it. @default 60 */
  leaseSeconds?: number;
  /** How long to wait for a lock held by someone else before giving up with `STORAGE_TRANSIENT`. @default 180000 */
  waitMs?: number;
  /** Abandons the wait. */
  signal?: AbortSignal;
}

/**
 * Takes an exclusive lease on the lock blob `name` (created empty when missing), waiting with capped, jittered
 * back-off while another holder has it. Leases rather than in-process locks because deliveries of one blob may
 * land on different instances. Used to serialise all work on one source path.
 */
export async function acquireBlobLock(container: ContainerClient, name: string, options: AcquireBlobLockOptions = {}): Promise<BlobLock> {
  const leaseSeconds = options.leaseSeconds ?? 60;
  const waitMs = options.waitMs ?? 180_000;
  const blob = container.getBlockBlobClient(name);
  const lease = blob.getBlobLeaseClient(randomUUID());
  const deadline = Date.now() + waitMs;
  let creations = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      await lease.acquireLease(leaseSeconds);
      break;
    } catch (error) {
      const status = storageStatusOf(error);
      if (status === 404 && creations++ < 3) {
        await createLockBlob(container, name);
        continue;
      }
      if (status !== 409) throw toStorageError(error, 'acquiring a source lock');
    }
    if (options.signal?.aborted || Date.now() >= deadline) {
      throw new DrgradeError('STORAGE_TRANSIENT', `Expected the source lock to be free within ${waitMs} ms but received it still held`, {
        details: { operation: 'acquiring a source lock', waitMs },
      });
    }
    const backoffMs = Math.min(2_000, 50 * 2 ** Math.min(attempt, 6));
    await sleep(Math.min(backoffMs / 2 + Math.random() * backoffMs / 2, Math.max(0, deadline - Date.now())));
  }

  let lost: unknown = null;
  let released = false;
  const timer = setInterval(() => {
    lease.renewLease().catch((error: unknown) => {
      lost ??= error;
    });
  }, (leaseSeconds * 1000) / 3);
  timer.unref();

  return {
    async confirm(): Promise<void> {
      if (lost === null) {
        try {
          await lease.renewLease();
        } catch (error) {
          lost = error;
        }
      }
      if (lost !== null) {
        const error = toStorageError(lost, 'renewing a source lock');
        throw new DrgradeError('STORAGE_TRANSIENT', `Expected to still hold the source lock but received ${error.message.replace(/^Expected .* but received /, '')}`, {
          cause: lost,
          details: { operation: 'renewing a source lock' },
        });
      }
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      clearInterval(timer);
      await lease.releaseLease().catch(() => undefined);
    },
  };
}

async function createLockBlob(container: ContainerClient, name: string): Promise<void> {
  try {
    await container.getBlockBlobClient(name).upload('', 0, { conditions: { ifNoneMatch: '*' } });
  } catch (error) {
    const status = storageStatusOf(error);
    // 409/412: someone else created it first, which is all we needed.
    if (status !== 409 && status !== 412) throw toStorageError(error, 'creating a source lock');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
