import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExamResult } from '../../../shared/exams/ExamResult.js';
import type { Bundle } from '../../../shared/fhir/fhirTypes.js';
import type { GradeBytes } from '../../../shared/service/GradeBytes.js';
import { gradeBlob } from '../../../shared/service/gradeBlob.js';
import { startAzurite, type TestAzurite } from '../../helpers/azurite.js';
import { fhirErrors } from '../../helpers/fhirValidation.js';
import { resultFixture } from '../../helpers/resultFixtures.js';
import { listNames, testSettings, upload } from '../../functions/blobTestKit.js';

let azurite: TestAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
  await azurite.blobService.getContainerClient('fundus-incoming').create();
});
afterAll(async () => {
  await azurite?.stop();
});

/** A grader stand-in: the photograph's bytes name the grade (no analysis, no model). */
const grade: GradeBytes = async (bytes) => {
  const text = Buffer.from(bytes).toString('utf8');
  return { result: text === 'ungradable' ? resultFixture({ status: 'ungradable' }) : resultFixture({ grade: Number(text) as 0 | 1 | 2 | 3 | 4 }), analysis: null };
};

describe('exams in the blob pipeline', () => {
  it('writes exam.result.json and exam.fhir.json when the last photograph of a path-convention exam is graded', async () => {
    const settings = { ...testSettings(azurite.connectionString), identifierSalt: 'blob-salt' };
    const deps = { blobService: azurite.blobService, settings, grade };
    const photos = [['clinic/pat-7/left/a.jpg', '1'], ['clinic/pat-7/right/b.jpg', '3'], ['clinic/pat-7/right/c.jpg', 'ungradable']] as const;
    for (const [name, body] of photos) await upload(azurite.blobService, 'fundus-incoming', name, Buffer.from(body));
    const results = azurite.blobService.getContainerClient(settings.resultsContainer);
    for (const [name] of photos.slice(0, 2)) {
      expect((await gradeBlob(name, deps)).action).toBe('written');
      expect(await results.getBlobClient('clinic/pat-7/exam.result.json').exists()).toBe(false);
    }
    expect((await gradeBlob(photos[2][0], deps)).action).toBe('written');
    const exam = JSON.parse((await results.getBlobClient('clinic/pat-7/exam.result.json').downloadToBuffer()).toString('utf8')) as ExamResult;
    expect(exam.exam).toMatchObject({ status: 'graded', referable: true, grouping: 'path' });
    expect(exam.eyes.right).toMatchObject({ grade: 3, photographs: ['clinic/pat-7/right/b.jpg'] });
    expect(JSON.stringify(exam.exam)).not.toContain('pat-7');
    const bundle = JSON.parse((await results.getBlobClient('clinic/pat-7/exam.fhir.json').downloadToBuffer()).toString('utf8')) as Bundle;
    expect(await fhirErrors(bundle)).toEqual([]);
    expect(await listNames(azurite.blobService, settings.resultsContainer, 'clinic/pat-7/left/')).toContain('clinic/pat-7/left/a.jpg.fhir.json');
  });

  it('uses a sidecar exam.json for photographs outside the path convention', async () => {
    const settings = { ...testSettings(azurite.connectionString), identifierSalt: 'blob-salt' };
    const deps = { blobService: azurite.blobService, settings, grade };
    await upload(azurite.blobService, 'fundus-incoming', 'inbox/visit-1/exam.json', Buffer.from(JSON.stringify({ patient: 'MRN-55', photographs: [{ file: 'x.jpg', eye: 'left' }, { file: 'y.jpg', eye: 'right' }] })), 'application/json');
    await upload(azurite.blobService, 'fundus-incoming', 'inbox/visit-1/x.jpg', Buffer.from('0'));
    await upload(azurite.blobService, 'fundus-incoming', 'inbox/visit-1/y.jpg', Buffer.from('ungradable'));
    await gradeBlob('inbox/visit-1/x.jpg', deps);
    await gradeBlob('inbox/visit-1/y.jpg', deps);
    const text = (await azurite.blobService.getContainerClient(settings.resultsContainer).getBlobClient('inbox/visit-1/exam.result.json').downloadToBuffer()).toString('utf8');
    const exam = JSON.parse(text) as ExamResult;
    expect(exam.exam).toMatchObject({ grouping: 'sidecar', status: 'ungradable', recommendation: 're-image' });
    expect(text).not.toContain('MRN-55');
  });
});
