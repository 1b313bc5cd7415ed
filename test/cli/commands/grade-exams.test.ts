import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../cli/commands/grade.js';
import type { Bundle } from '../../../shared/fhir/fhirTypes.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';
import { captureStdout } from '../../helpers/captureStdout.js';
import { synthDicom } from '../../../shared/synth/synthDicom.js';
import { codingsOutsideValueSets, fhirErrors } from '../../helpers/fhirValidation.js';
import { jpegOf, ordinaryPhotoJpeg } from '../../helpers/imageBytes.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

const secretId = 'MRN-SECRET-4711';
const secretName = 'Doe^Jane';

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...await allFiles(full)); else out.push(full);
  }
  return out;
}

describe('drgrade grade with DICOM inputs and --exams (in-process, a real ORT session)', () => {
  let dir: string;
  let out: string;
  let stdout: string;
  let stderr = '';
  const json = async (path: string) => JSON.parse(await readFile(join(out, path), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const savedSalt = process.env.DRGRADE_IDENTIFIER_SALT;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drgrade-exams-'));
    const root = join(dir, 'in');
    for (const d of ['siteA/p01/left', 'siteA/p01/right', 'siteA/p02/left']) await mkdir(join(root, d), { recursive: true });
    const photo = (seed: number) => synthFundus({ seed, width: 640, grade: 2 }).image;
    await writeFile(join(root, 'siteA/p01/left/field1.jpg'), await jpegOf(photo(41)));
    await writeFile(join(root, 'siteA/p01/left/field2.dcm'), await synthDicom(photo(42), { imageLaterality: 'L', patientId: secretId, patientName: secretName }));
    // A JPEG baseline DICOM without a .dcm name: recognised by content.
    await writeFile(join(root, 'siteA/p01/right/field1'), await synthDicom(photo(43), { syntax: 'jpeg', imageLaterality: 'R', patientId: secretId, patientName: secretName }));
    await writeFile(join(root, 'siteA/p01/right/field2.jpg'), await ordinaryPhotoJpeg(640, 480));
    await writeFile(join(root, 'siteA/p02/left/bad.dcm'), await synthDicom(photo(44), { syntax: 'jpeg2000', patientId: secretId }));
    out = join(dir, 'out');
    process.env.DRGRADE_IDENTIFIER_SALT = 'cli-test-salt';
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
    try {
      const r = await captureStdout(run, [root, '--out', out, '--model', tinyModelDir, '--exams', '--no-images']);
      expect(r.code).toBe(0);
      stdout = r.stdout;
    } finally {
      process.stderr.write = write;
    }
  }, 240_000);
  afterAll(() => {
    if (savedSalt === undefined) delete process.env.DRGRADE_IDENTIFIER_SALT; else process.env.DRGRADE_IDENTIFIER_SALT = savedSalt;
  });

  it('mirrors the tree, one result and one FHIR Bundle per photograph', async () => {
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({ images: 5, rejected: 1, exams: 2 });
    for (const stem of ['siteA/p01/left/field1', 'siteA/p01/left/field2', 'siteA/p01/right/field1', 'siteA/p01/right/field2', 'siteA/p02/left/bad']) {
      expect(existsSync(join(out, `${stem}.result.json`)), stem).toBe(true);
      expect(existsSync(join(out, `${stem}.fhir.json`)), stem).toBe(true);
    }
  });

  it('records source.dicom for DICOM inputs, and refuses an unsupported transfer syntax with a DICOM_ code', async () => {
    const dcm = await json('siteA/p01/left/field2.result.json');
    expect(Object.keys(dcm.source.dicom).sort()).toEqual(['acquisitionDateTime', 'laterality', 'manufacturer', 'model', 'patientIdHash', 'seriesInstanceUid', 'sopClassUid', 'sopInstanceUid', 'studyInstanceUid', 'transferSyntaxUid']);
    expect(dcm.source.dicom).toMatchObject({ laterality: 'left', transferSyntaxUid: '1.2.840.10008.1.2.1', sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.5.1' });
    expect(dcm.source.dicom.patientIdHash).toMatch(/^[0-9a-f]{16}$/);
    expect(dcm.status).not.toBe('rejected');
    const jpeg = await json('siteA/p01/right/field1.result.json');
    expect(jpeg.source.dicom).toMatchObject({ laterality: 'right', transferSyntaxUid: '1.2.840.10008.1.2.4.50' });
    const bad = await json('siteA/p02/left/bad.result.json');
    expect(bad.status).toBe('rejected');
    expect(bad.error.code).toMatch(/^DICOM_/);
    expect(bad.error.code).toBe('DICOM_UNSUPPORTED_TRANSFER_SYNTAX');
  });

  it('writes each exam with per-eye decisions', async () => {
    const p01 = await json('siteA/p01/exam.result.json');
    expect(['graded', 'ungradable']).toContain(p01.exam.status);
    expect(typeof p01.exam.referable).toBe('boolean');
    expect(p01.exam.grouping).toBe('path');
    for (const eye of ['left', 'right'] as const) {
      expect(Object.keys(p01.eyes[eye])).toEqual(expect.arrayContaining(['status', 'grade', 'referable', 'photographs']));
    }
    expect(p01.eyes.left.fields.map((f: { stem: string }) => f.stem)).toEqual(['siteA/p01/left/field1', 'siteA/p01/left/field2']);
    expect(p01.exam.referable).toBe(p01.eyes.left.referable === true || p01.eyes.right.referable === true);
    const p02 = await json('siteA/p02/exam.result.json');
    expect(p02.exam).toMatchObject({ status: 'ungradable', recommendation: 're-image' });
    expect(p02.eyes.left).toMatchObject({ status: 'ungradable', photographs: ['siteA/p02/left/bad'] });
    expect(p02.eyes.right.status).toBe('missing');
  });

  it('every FHIR Bundle written validates against R4 and uses only value-set codes', async () => {
    const bundles = (await allFiles(out)).filter((f) => f.endsWith('.fhir.json'));
    expect(bundles).toHaveLength(7);
    for (const f of bundles) {
      const bundle = JSON.parse(await readFile(f, 'utf8')) as Bundle;
      expect(await fhirErrors(bundle), f).toEqual([]);
      expect(codingsOutsideValueSets(bundle), f).toEqual([]);
    }
    const left = JSON.parse(await readFile(join(out, 'siteA/p01/left/field1.fhir.json'), 'utf8')) as Bundle;
    const severity = left.entry.find((e) => e.resource.resourceType === 'Observation')!.resource;
    expect(severity.resourceType === 'Observation' && severity.code.coding?.[0]?.code).toBe('71490-7');
  });

  it('writes no patient identifier or name in clear, in any output or log', async () => {
    for (const f of await allFiles(out)) {
      const text = await readFile(f, 'latin1');
      expect(text.includes(secretId), f).toBe(false);
      expect(text.includes(secretName), f).toBe(false);
    }
    expect(stdout + stderr).not.toContain(secretId);
    expect(stdout + stderr).not.toContain(secretName);
  });
});
