import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import { ResultStore, type ResultSet } from '../../../shared/storage/ResultStore.js';
import { containerLayout } from '../../../shared/storage/containerLayout.js';
import { startAzurite, type TestAzurite } from '../../helpers/azurite.js';

let azurite: TestAzurite;
let container: ContainerClient;

beforeAll(async () => {
  azurite = await startAzurite();
  container = azurite.blobService.getContainerClient('results');
  await container.create();
});
afterAll(async () => azurite?.stop());

const set = (tag: string, images = true): ResultSet => ({
  resultJson: JSON.stringify({ status: 'graded', tag }),
  status: 'graded',
  annotatedPng: images ? Buffer.from(`annotated ${tag}`) : null,
  enhancedPng: images ? Buffer.from(`enhanced ${tag}`) : null,
  reportHtml: `<p>${tag}</p>`,
});

async function text(name: string): Promise<string | null> {
  const blob = container.getBlobClient(name);
  if (!(await blob.exists())) return null;
  return (await blob.downloadToBuffer()).toString('utf8');
}

describe('ResultStore', () => {
  it('writes a complete set, JSON last, each output tagged with the source version', async () => {
    const store = new ResultStore(container);
    expect(await store.currentVersion('a/b.jpg')).toBeNull();
    expect(await store.write('a/b.jpg', set('v1'), { etag: '"e1"', sha256: 'h1' })).toBe('written');
    const names = containerLayout.outputNames('a/b.jpg');
    expect(await text(names.annotated)).toBe('annotated v1');
    expect(await text(names.enhanced)).toBe('enhanced v1');
    expect(await text(names.report)).toBe('<p>v1</p>');
    expect(await store.readResult('a/b.jpg')).toEqual({ status: 'graded', tag: 'v1' });
    const version = await store.currentVersion('a/b.jpg');
    expect(version).toMatchObject({ sourceEtag: '"e1"', sourceSha256: 'h1', status: 'graded' });
    const props = await container.getBlobClient(names.annotated).getProperties();
    expect(props.metadata?.[containerLayout.metadata.sourceEtag]).toBe('"e1"');
    expect(props.contentType).toBe('image/png');
  });

  it('refuses a second commit of the same path: the first set stands', async () => {
    const store = new ResultStore(container);
    expect(await store.write('race.jpg', set('first'), { etag: '"e"', sha256: 'h' })).toBe('written');
    expect(await store.write('race.jpg', set('second'), { etag: '"e"', sha256: 'h' })).toBe('conflict');
    expect(await store.readResult('race.jpg')).toEqual({ status: 'graded', tag: 'first' });
  });

  it('retracts a stale result only if it is still the version that was read', async () => {
    const store = new ResultStore(container);
    await store.write('stale.jpg', set('v1'), { etag: '"e1"', sha256: 'h1' });
    const v1 = (await store.currentVersion('stale.jpg'))!;
    expect(await store.retract('stale.jpg', '"not-the-etag"')).toBe(false);
    expect(await store.currentVersion('stale.jpg')).not.toBeNull();
    expect(await store.retract('stale.jpg', v1.resultEtag)).toBe(true);
    expect(await store.currentVersion('stale.jpg')).toBeNull();
    // A new version without images removes the old images rather than leaving them beside the new JSON.
    expect(await store.write('stale.jpg', set('v2', false), { etag: '"e2"', sha256: 'h2' })).toBe('written');
    expect(await text(containerLayout.outputNames('stale.jpg').annotated)).toBeNull();
    expect(await text(containerLayout.outputNames('stale.jpg').report)).toBe('<p>v2</p>');
  });

  it('runs beforeCommit between images and JSON, and a failure there leaves no JSON', async () => {
    const store = new ResultStore(container);
    await expect(
      store.write('lost-lock.jpg', set('x'), { etag: '"e"', sha256: 'h' }, async () => {
        expect(await text(containerLayout.outputNames('lost-lock.jpg').annotated)).toBe('annotated x');
        throw new Error('lock lost');
      }),
    ).rejects.toThrow('lock lost');
    expect(await store.currentVersion('lost-lock.jpg')).toBeNull();
  });

  it('removes outputs left without a committed JSON, and never touches a committed set', async () => {
    const store = new ResultStore(container);
    const names = containerLayout.outputNames('orphans/x.jpg');
    await expect(store.write('orphans/x.jpg', set('v1'), { etag: '"e1"', sha256: 'h1' }, async () => {
      throw new Error('lease lost before the commit');
    })).rejects.toThrow('lease lost');
    expect(await text(names.annotated)).toBe('annotated v1');
    expect(await store.removeUncommitted('orphans/x.jpg')).toBe(3);
    expect([await text(names.annotated), await text(names.enhanced), await text(names.report)]).toEqual([null, null, null]);

    expect(await store.write('orphans/y.jpg', set('v2'), { etag: '"e2"', sha256: 'h2' })).toBe('written');
    expect(await store.removeUncommitted('orphans/y.jpg')).toBe(0);
    expect(await text(containerLayout.outputNames('orphans/y.jpg').annotated)).toBe('annotated v2');
  });
});
