import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import { AttemptLedger } from '../../../shared/storage/AttemptLedger.js';
import { containerLayout } from '../../../shared/storage/containerLayout.js';
import { startAzurite, type TestAzurite } from '../../helpers/azurite.js';

let azurite: TestAzurite;
let container: ContainerClient;

beforeAll(async () => {
  azurite = await startAzurite();
  container = azurite.blobService.getContainerClient('control');
  await container.create();
});
afterAll(async () => azurite?.stop());

describe('AttemptLedger', () => {
  const err = { code: 'INFERENCE_UNAVAILABLE', message: 'down' };

  it('counts failures per source version and starts again for a new version', async () => {
    const ledger = new AttemptLedger(container);
    expect((await ledger.recordFailure('a.jpg', '"v1"', err)).count).toBe(1);
    expect((await ledger.recordFailure('a.jpg', '"v1"', err)).count).toBe(2);
    const third = await ledger.recordFailure('a.jpg', '"v2"', err);
    expect(third).toMatchObject({ count: 1, sourceEtag: '"v2"', lastError: err });
    await ledger.clear('a.jpg');
    expect(await ledger.read('a.jpg')).toBeNull();
  });

  it('never loses a count under concurrent updates', async () => {
    const ledger = new AttemptLedger(container);
    await Promise.all(Array.from({ length: 6 }, () => ledger.recordFailure('b.jpg', '"v"', err)));
    expect((await ledger.read('b.jpg'))?.count).toBe(6);
  });

  it('overwrites an unreadable record instead of failing forever', async () => {
    const name = containerLayout.attemptsName('c.jpg');
    await container.getBlockBlobClient(name).upload('not json', 8);
    expect((await new AttemptLedger(container).recordFailure('c.jpg', '"v"', err)).count).toBe(1);
  });
});
