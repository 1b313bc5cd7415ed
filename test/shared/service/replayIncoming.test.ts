import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeBlob } from '../../../shared/service/gradeBlob.js';
import { gradeBytesFor } from '../../../shared/service/gradeBytesFor.js';
import { replayIncoming } from '../../../shared/service/replayIncoming.js';
import { closeSharedGraders } from '../../../shared/service/sharedGrader.js';
import { startAzurite, type TestAzurite } from '../../helpers/azurite.js';
import { fingerprint, testSettings, upload } from '../../functions/blobTestKit.js';

let azurite: TestAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
  await azurite.blobService.getContainerClient('fundus-incoming').create();
});
afterAll(async () => {
  await closeSharedGraders();
  await azurite?.stop();
});

describe('replayIncoming (drgrade replay --all)', () => {
  it('regrades every source under the prefix, graded or not, and only reads the originals', async () => {
    const settings = testSettings(azurite.connectionString);
    const deps = { blobService: azurite.blobService, settings, grade: gradeBytesFor(settings) };
    const bytes = Buffer.from('not an image, so each grade is quick');
    const a = await upload(azurite.blobService, 'fundus-incoming', 'site-a/1.jpg', bytes);
    const b = await upload(azurite.blobService, 'fundus-incoming', 'site-a/2.jpg', bytes);
    await upload(azurite.blobService, 'fundus-incoming', 'site-b/3.jpg', bytes);
    expect((await gradeBlob('site-a/1.jpg', deps)).action).toBe('written');

    const summary = await replayIncoming(deps, { prefix: 'site-a/' });
    expect(summary).toMatchObject({ considered: 2, replayed: 2, failed: 0, outcomes: { written: 2 } });
    expect(await fingerprint(azurite.blobService, 'fundus-incoming', 'site-a/1.jpg')).toEqual(a);
    expect(await fingerprint(azurite.blobService, 'fundus-incoming', 'site-a/2.jpg')).toEqual(b);
    const results = [];
    for await (const item of azurite.blobService.getContainerClient('fundus-results').listBlobsFlat()) if (item.name.endsWith('.result.json')) results.push(item.name);
    expect(results.sort()).toEqual(['site-a/1.jpg.result.json', 'site-a/2.jpg.result.json']);
  });
});
