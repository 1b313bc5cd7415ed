import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit, type Timer } from '@azure/functions';
import { readSettings } from '../../shared/config/settings.js';
import { createDriftDaily } from '../../functions/driftDaily.js';
import { createDriftHttp } from '../../functions/driftHttp.js';
import { buildDriftReference } from '../../shared/drift/buildDriftReference.js';
import type { DailyDrift } from '../../shared/drift/DriftStore.js';
import type { GradeResult } from '../../shared/grading/GradeResult.js';
import { mulberry32 } from '../../shared/synth/mulberry32.js';
import { ensureContainers } from '../../shared/storage/ensureContainers.js';
import { startAzurite, type TestAzurite } from '../helpers/azurite.js';
import { resultFixture } from '../helpers/resultFixtures.js';

let azurite: TestAzurite;
const settings = readSettings({ DRGRADE_RESULTS_CONTAINER: 'drift-results' });
const random = mulberry32(5);
const photo = (shift: number): GradeResult => {
  const r = resultFixture({ grade: ([0, 0, 1, 2, 4] as const)[Math.floor(random() * 5)]!, qualityScore: 0.6 + 0.3 * random() });
  return { ...r, quality: { ...r.quality!, metrics: { sourceMinSidePx: 1500 + Math.round(30 * random()), meanLuminance: 100 + 15 * random() - 40 * shift, redGreenRatio: 2 + 0.3 * random(), redBlueRatio: 12 + 3 * random() } } };
};
const reference = buildDriftReference(Array.from({ length: 300 }, () => photo(0)), 'test reference');
const context = (name: string) => new InvocationContext({ functionName: name, invocationId: 'b7c1d6a2-0000-4000-8000-0000000000d1' });

beforeAll(async () => {
  azurite = await startAzurite();
  await ensureContainers(azurite.blobService, ['drift-results']);
  const container = azurite.blobService.getContainerClient('drift-results');
  const put = (name: string, text: string) => container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
  for (let i = 0; i < 40; i++) {
    await put(`north/p${i}/left/a.jpg.result.json`, JSON.stringify(photo(0)));
    await put(`south/p${i}/right/b.jpg.result.json`, JSON.stringify(photo(1)));
  }
  await put('north/p0/exam.result.json', JSON.stringify({ exam: {} }));
});
afterAll(async () => {
  await azurite?.stop();
});

describe('drift functions', () => {
  it('GET /api/drift is 404 before the first daily run', async () => {
    const handler = createDriftHttp(settings, { blobService: azurite.blobService });
    const response = new HttpResponse((await handler(new HttpRequest({ method: 'GET', url: 'http://localhost/api/drift' }), context('driftHttp'))) as HttpResponseInit);
    expect(response.status).toBe(404);
  });

  it('the daily run writes drift by site and camera to the results container; GET /api/drift returns it', async () => {
    const lines: string[] = [];
    const ctx = new InvocationContext({ functionName: 'driftDaily', invocationId: 'b7c1d6a2-0000-4000-8000-0000000000d2', logHandler: (_level, ...args) => lines.push(args.map(String).join(' ')) });
    await createDriftDaily(settings, { blobService: azurite.blobService, reference: async () => reference, now: () => new Date() })({} as Timer, ctx);
    const day = new Date().toISOString().slice(0, 10);
    expect(await azurite.blobService.getContainerClient('drift-results').getBlobClient(`_drift/${day}.json`).exists()).toBe(true);
    const handler = createDriftHttp(settings, { blobService: azurite.blobService });
    const response = new HttpResponse((await handler(new HttpRequest({ method: 'GET', url: 'http://localhost/api/drift' }), context('driftHttp'))) as HttpResponseInit);
    expect(response.status).toBe(200);
    const drift = (await response.json()) as DailyDrift;
    expect(drift.results).toBe(80);
    expect(drift.bySite.groups.map((g) => [g.key, g.n, g.alarm])).toEqual([['north', 40, false], ['south', 40, true]]);
    expect(drift.bySite.groups[1]!.alarmFeatures).toContain('meanLuminance');
    expect(drift.byCamera.groups.map((g) => g.key)).toEqual(['unknown']);
    expect(lines.filter((l) => l.includes('"event":"drift"'))).toHaveLength(3);
    expect(lines.join('\n')).not.toMatch(/p\d+\/|\.jpg/);
  });
});
