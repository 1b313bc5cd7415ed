import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/config/settings.js';
import { createGradeIncomingBlob } from '../../functions/gradeIncomingBlob.js';
import type { GradeBlobOutcome } from '../../shared/service/gradeBlob.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { containerLayout } from '../../shared/storage/containerLayout.js';
import { hashIdentifier } from '../../shared/storage/hashIdentifier.js';
import { startAzurite, type TestAzurite } from '../helpers/azurite.js';
import { blobContext, fingerprint, fundusJpeg, listNames, readResult, testSettings, upload } from './blobTestKit.js';

let azurite: TestAzurite;
let settings: Settings;
let handler: ReturnType<typeof createGradeIncomingBlob>;
let photo: Buffer;

beforeAll(async () => {
  azurite = await startAzurite();
  settings = testSettings(azurite.connectionString);
  handler = createGradeIncomingBlob(settings, { blobService: azurite.blobService, options: { lock: { waitMs: 120_000 } } });
  await azurite.blobService.getContainerClient(settings.incomingContainer).create();
  photo = await fundusJpeg(11);
});
afterAll(async () => {
  await closeSharedGraders();
  await azurite?.stop();
});

const deliver = async (name: string, payload?: Uint8Array) => {
  const { context, logs } = blobContext(name, settings.incomingContainer);
  const outcome = (await handler(payload ?? Buffer.alloc(0), context)) as GradeBlobOutcome;
  return { outcome, logs };
};

describe('gradeIncomingBlob', () => {
  const name = 'clinic-42/2024/05/Jane Doe left eye.jpg';

  it('grades a new photograph into a complete result set beside its relative path, recording ETag and hash', async () => {
    const source = await upload(azurite.blobService, settings.incomingContainer, name, photo);
    const { outcome, logs } = await deliver(name, photo);
    expect(outcome).toMatchObject({ action: 'written', status: 'graded', nameHash: hashIdentifier(name) });

    const result = (await readResult(azurite.blobService, settings.resultsContainer, name))!;
    expect(result.status).toBe('graded');
    expect(result.disclaimer).toMatch(/not for clinical diagnosis/i);
    expect((result.provenance as { source: unknown }).source).toMatchObject({ etag: source.etag, sha256: source.sha256, contentLength: photo.byteLength });
    expect((result.provenance as { model: { name: string } }).model.name).toBe('drgrade-tiny');
    const outputs = containerLayout.outputNames(name);
    expect(await listNames(azurite.blobService, settings.resultsContainer, 'clinic-42/')).toEqual([outputs.annotated, outputs.enhanced, outputs.fhir, outputs.report, outputs.result].sort());
    const report = (await azurite.blobService.getContainerClient(settings.resultsContainer).getBlobClient(outputs.report).downloadToBuffer()).toString('utf8');
    expect(report).toContain('Research use only');
    expect(report).toContain('data-testid="grade-value"');
    expect(report).toContain('data:image/jpeg;base64,');
    expect(report).not.toMatch(/Jane|clinic-42/);

    // The original is untouched, and no log line carries the name or any part of the path.
    expect(await fingerprint(azurite.blobService, settings.incomingContainer, name)).toEqual(source);
    expect(logs.join('\n')).not.toMatch(/Jane|clinic-42|left eye/);
    expect(logs.join('\n')).toContain(hashIdentifier(name));
  });

  it('treats a second delivery of the same version as a no-op', async () => {
    const before = await azurite.blobService.getContainerClient(settings.resultsContainer).getBlobClient(containerLayout.outputNames(name).result).getProperties();
    const { outcome } = await deliver(name);
    expect(outcome.action).toBe('unchanged');
    const after = await azurite.blobService.getContainerClient(settings.resultsContainer).getBlobClient(containerLayout.outputNames(name).result).getProperties();
    expect(after.etag).toBe(before.etag);
  });

  it('regrades an overwritten blob and replaces the whole set', async () => {
    const other = await fundusJpeg(12);
    const v2 = await upload(azurite.blobService, settings.incomingContainer, name, other);
    const { outcome } = await deliver(name);
    expect(outcome.action).toBe('written');
    const result = (await readResult(azurite.blobService, settings.resultsContainer, name))!;
    expect((result.provenance as { source: { etag: string; sha256: string } }).source).toMatchObject({ etag: v2.etag, sha256: v2.sha256 });
    const annotated = await azurite.blobService.getContainerClient(settings.resultsContainer).getBlobClient(containerLayout.outputNames(name).annotated).getProperties();
    expect(annotated.metadata?.[containerLayout.metadata.sourceEtag]).toBe(v2.etag);
    expect(await fingerprint(azurite.blobService, settings.incomingContainer, name)).toEqual(v2);
  });

  it('turns concurrent deliveries of one version into exactly one committed set', async () => {
    const racy = 'clinic-42/race/r1.jpg';
    await upload(azurite.blobService, settings.incomingContainer, racy, photo);
    const outcomes = await Promise.all([deliver(racy), deliver(racy), deliver(racy)]);
    const actions = outcomes.map((o) => o.outcome.action).sort();
    expect(actions).toEqual(['unchanged', 'unchanged', 'written']);
    expect(await listNames(azurite.blobService, settings.resultsContainer, 'clinic-42/race/')).toHaveLength(5);
  });

  it('returns source-missing for a blob deleted before it could be read, writing nothing', async () => {
    const { outcome } = await deliver('clinic-42/deleted.jpg');
    expect(outcome.action).toBe('source-missing');
    expect(await readResult(azurite.blobService, settings.resultsContainer, 'clinic-42/deleted.jpg')).toBeNull();
  });

  it('regrades the same version on replay (force) after a new model', async () => {
    const { gradeBlob } = await import('../../shared/service/gradeBlob.js');
    const { gradeBytesFor } = await import('../../shared/service/gradeBytesFor.js');
    const outcome = await gradeBlob(name, { blobService: azurite.blobService, settings, grade: gradeBytesFor(settings) }, { force: true });
    expect(outcome.action).toBe('written');
  });
});
