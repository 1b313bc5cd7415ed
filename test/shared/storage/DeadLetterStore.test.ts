import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import { DeadLetterStore } from '../../../shared/storage/DeadLetterStore.js';
import { hashIdentifier } from '../../../shared/storage/hashIdentifier.js';
import { startAzurite, type TestAzurite } from '../../helpers/azurite.js';

let azurite: TestAzurite;
let container: ContainerClient;

beforeAll(async () => {
  azurite = await startAzurite();
  container = azurite.blobService.getContainerClient('poison');
  await container.create();
});
afterAll(async () => azurite?.stop());

const record = (name: string, code = 'INFERENCE_TIMEOUT') =>
  DeadLetterStore.record({
    container: 'fundus-incoming',
    name,
    sourceEtag: '"e"',
    sourceSha256: 'h',
    attempts: 5,
    firstFailureAt: '2024-01-01T00:00:00.000Z',
    deadLetteredAt: '2024-01-01T00:10:00.000Z',
    error: { code, message: 'timed out', transient: true },
    invocationId: 'inv-1',
  });

describe('DeadLetterStore', () => {
  it('stores one replayable record per source path under a hashed blob name', async () => {
    const store = new DeadLetterStore(container);
    const blobName = await store.write(record('clinic-a/jane doe.jpg'));
    expect(blobName).not.toContain('jane');
    await store.write(record('clinic-a/jane doe.jpg', 'CIRCUIT_OPEN'));
    await store.write(record('clinic-b/x.jpg'));
    const all = [];
    for await (const item of store.list()) all.push(item);
    expect(all).toHaveLength(2);
    const a = (await store.read('clinic-a/jane doe.jpg'))!;
    expect(a.record).toMatchObject({ name: 'clinic-a/jane doe.jpg', nameHash: hashIdentifier('clinic-a/jane doe.jpg'), error: { code: 'CIRCUIT_OPEN' }, replay: { command: 'npx drgrade replay --poisoned' } });
    const onlyB = [];
    for await (const item of store.list('clinic-b/')) onlyB.push(item.record.name);
    expect(onlyB).toEqual(['clinic-b/x.jpg']);
  });

  it('removes a record only if it is the version that was read', async () => {
    const store = new DeadLetterStore(container);
    await store.write(record('r.jpg'));
    const read = (await store.read('r.jpg'))!;
    await store.write(record('r.jpg', 'INFERENCE_UNAVAILABLE'));
    expect(await store.remove(read)).toBe(false);
    const again = (await store.read('r.jpg'))!;
    expect(await store.remove(again)).toBe(true);
    expect(await store.read('r.jpg')).toBeNull();
  });

  it('skips unreadable records when listing', async () => {
    await container.getBlockBlobClient('dead-letter/garbage.json').upload('{', 1);
    const names = [];
    for await (const item of new DeadLetterStore(container).list()) names.push(item.blobName);
    expect(names).not.toContain('dead-letter/garbage.json');
  });
});
