import { describe, expect, it } from 'vitest';
import { hashPatientId } from '../../../shared/dicom/hashPatientId.js';
import { buildExamResult } from '../../../shared/exams/buildExamResult.js';
import { decideEye } from '../../../shared/exams/decideEye.js';
import { groupExams, type GroupablePhotograph } from '../../../shared/exams/groupExams.js';
import { parseExamPath } from '../../../shared/exams/parseExamPath.js';
import { parseExamSidecar } from '../../../shared/exams/parseExamSidecar.js';
import { buildExamBundle } from '../../../shared/fhir/buildExamBundle.js';
import type { Observation } from '../../../shared/fhir/fhirTypes.js';
import { codingsOutsideValueSets, fhirErrors } from '../../helpers/fhirValidation.js';
import { resultFixture, type ResultFixtureOptions } from '../../helpers/resultFixtures.js';

const photo = (relativePath: string, o: ResultFixtureOptions = {}): GroupablePhotograph => ({ relativePath, stem: relativePath.replace(/\.[^.]+$/, ''), result: resultFixture(o) });
const salt = 'test-salt';

describe('parseExamPath', () => {
  it('reads <site>/<patient>/<left|right>/<file> and nothing else', () => {
    expect(parseExamPath('clinicA/p01/left/f1.jpg')).toEqual({ site: 'clinicA', patientFolder: 'p01', eye: 'left' });
    expect(parseExamPath('clinicA/p01/OD/f1.jpg')?.eye).toBe('right');
    expect(parseExamPath('clinicA/p01/f1.jpg')).toBeNull();
    expect(parseExamPath('clinicA/p01/middle/f1.jpg')).toBeNull();
    expect(parseExamPath('a/b/left/c/d.jpg')).toBeNull();
  });
});

describe('parseExamSidecar', () => {
  it('checks the fields and keeps files inside the folder, without quoting the patient', () => {
    expect(parseExamSidecar('{"patient":"MRN-1","photographs":[{"file":"a.jpg","eye":"left"}]}')).toEqual({ site: null, patient: 'MRN-1', photographs: [{ file: 'a.jpg', eye: 'left' }] });
    expect(() => parseExamSidecar('{"patient":"MRN-1","photographs":[{"file":"../x.jpg","eye":"left"}]}')).toThrow(/inside the folder/);
    expect(() => parseExamSidecar('{"patient":"MRN-1","photographs":[{"file":"a.jpg","eye":"up"}]}')).toThrow(/'left' or 'right'/);
    expect(() => parseExamSidecar('{"photographs":[]}')).toThrow(/patient/);
    expect(() => parseExamSidecar('{"patient":"MRN-1","photographs":[{"file":"a.jpg","eye":"up"}]}')).not.toThrow(/MRN-1/);
  });
});

describe('groupExams', () => {
  it('groups by the path convention, keyed by the salted hash of the patient folder', () => {
    const groups = groupExams([photo('s1/p01/left/a.jpg'), photo('s1/p01/right/b.jpg'), photo('s1/p02/left/c.jpg'), photo('loose.jpg')], { identifierSalt: salt });
    expect(groups.map((g) => [g.folder, g.grouping, g.photographs.length])).toEqual([['s1/p01', 'path', 2], ['s1/p02', 'path', 1]]);
    expect(groups[0]!.patientIdHash).toBe(hashPatientId('p01', salt, 'path:s1'));
    expect(groups[0]!.photographs.map((p) => p.eye)).toEqual(['left', 'right']);
  });

  it('groups by DICOM tags: patient hash and laterality', () => {
    const groups = groupExams([
      photo('inbox/x1.dcm', { dicom: { patientIdHash: 'aaaa', laterality: 'left' } }),
      photo('inbox/x2.dcm', { dicom: { patientIdHash: 'aaaa', laterality: 'right' } }),
      photo('inbox/x3.dcm', { dicom: { patientIdHash: 'bbbb', laterality: null } }),
    ], { identifierSalt: salt });
    expect(groups.map((g) => [g.folder, g.grouping, g.photographs.map((p) => p.eye)])).toEqual([['inbox/aaaa', 'dicom', ['left', 'right']], ['inbox/bbbb', 'dicom', [null]]]);
  });

  it('a sidecar wins over the path and the tags', () => {
    const sidecars = new Map([['s1/visit', parseExamSidecar('{"patient":"MRN-9","site":"s1","photographs":[{"file":"1.jpg","eye":"right"},{"file":"2.jpg","eye":"left"}]}')]]);
    const groups = groupExams([photo('s1/visit/1.jpg', { dicom: { patientIdHash: 'zzzz', laterality: 'left' } }), photo('s1/visit/2.jpg'), photo('s1/visit/3.jpg')], { identifierSalt: salt, sidecars });
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ folder: 's1/visit', grouping: 'sidecar', patientIdHash: hashPatientId('MRN-9', salt, 'sidecar:s1') });
    expect(groups[0]!.photographs.map((p) => [p.stem, p.eye])).toEqual([['s1/visit/1', 'right'], ['s1/visit/2', 'left']]);
  });
});

describe('exam decisions', () => {
  const exam = (photos: GroupablePhotograph[]) => buildExamResult(groupExams(photos, { identifierSalt: salt })[0]!);

  it('an eye takes the grade of its best-quality gradable photographs, and the worst DME across fields', () => {
    const eye = decideEye([
      { stem: 'a', eye: 'left', result: resultFixture({ grade: 3, qualityScore: 0.5, dmeRisk: 2 }) },
      { stem: 'b', eye: 'left', result: resultFixture({ grade: 1, qualityScore: 0.9 }) },
      { stem: 'c', eye: 'left', result: resultFixture({ status: 'ungradable' }) },
    ]);
    expect(eye).toMatchObject({ status: 'graded', grade: 1, referable: false, dmeRisk: 2, photographs: ['b'], recommendation: 'rescreen' });
    expect(eye.fields).toHaveLength(3);
  });

  it('equally good fields: the worst grade among them', () => {
    const eye = decideEye([
      { stem: 'a', eye: 'left', result: resultFixture({ grade: 0, qualityScore: 0.9 }) },
      { stem: 'b', eye: 'left', result: resultFixture({ grade: 2, qualityScore: 0.85 }) },
    ]);
    expect(eye).toMatchObject({ grade: 2, referable: true, photographs: ['a', 'b'], recommendation: 'refer' });
  });

  it('is referable when either eye is', () => {
    const r = exam([photo('s/p/left/a.jpg', { grade: 0 }), photo('s/p/right/b.jpg', { grade: 2 })]);
    expect(r.exam).toMatchObject({ status: 'graded', referable: true, recommendation: 'refer' });
    expect(r.eyes.right).toMatchObject({ status: 'graded', grade: 2, referable: true, photographs: ['s/p/right/b'] });
    expect(r.eyes.left).toMatchObject({ grade: 0, referable: false });
  });

  it('an eye without a gradable photograph makes the exam ungradable with a re-image recommendation', () => {
    const r = exam([photo('s/p/left/a.jpg', { grade: 1 }), photo('s/p/right/b.jpg', { status: 'ungradable' }), photo('s/p/right/c.jpg', { status: 'rejected' })]);
    expect(r.exam).toMatchObject({ status: 'ungradable', referable: false, recommendation: 're-image' });
    expect(r.eyes.right).toMatchObject({ status: 'ungradable', grade: null, referable: null, recommendation: 're-image', photographs: ['s/p/right/b', 's/p/right/c'] });
    const missing = exam([photo('s/p/left/a.jpg')]);
    expect(missing.eyes.right.status).toBe('missing');
    expect(missing.exam.status).toBe('ungradable');
  });

  it('refers even when the other eye must be re-imaged', () => {
    const r = exam([photo('s/p/left/a.jpg', { grade: 4 }), photo('s/p/right/b.jpg', { status: 'ungradable' })]);
    expect(r.exam).toMatchObject({ status: 'ungradable', referable: true, sightThreatening: true, recommendation: 'refer' });
  });

  it('is deterministic and carries no patient folder name', () => {
    const photos = [photo('s/secret-patient/left/a.jpg'), photo('s/secret-patient/right/b.jpg')];
    const r = exam(photos);
    expect(exam(photos)).toEqual(r);
    const text = JSON.stringify({ ...r, eyes: { left: { ...r.eyes.left, photographs: [], fields: [] }, right: { ...r.eyes.right, photographs: [], fields: [] } }, unassigned: [] });
    expect(text).not.toContain('secret-patient');
  });
});

describe('buildExamBundle', () => {
  const exam = (photos: GroupablePhotograph[]) => buildExamResult(groupExams(photos, { identifierSalt: salt })[0]!);

  it.each([
    ['graded, referable', [photo('s/p/left/a.jpg', { grade: 0 }), photo('s/p/right/b.jpg', { grade: 3, dmeRisk: 2 })]],
    ['one eye ungradable', [photo('s/p/left/a.jpg', { grade: 1 }), photo('s/p/right/b.jpg', { status: 'ungradable' })]],
    ['one eye missing, one rejected', [photo('s/p/left/a.jpg', { status: 'rejected' })]],
    ['DICOM study', [photo('i/x.dcm', { dicom: { laterality: 'left' } }), photo('i/y.dcm', { dicom: { laterality: 'right' } })]],
  ] as const)('%s: every resource validates and every code is from the value sets', async (_name, photos) => {
    const bundle = buildExamBundle(exam([...photos]));
    expect(await fhirErrors(bundle)).toEqual([]);
    expect(codingsOutsideValueSets(bundle)).toEqual([]);
  });

  it('has one severity Observation per eye, with dataAbsentReason for an ungradable eye, and says re-image', () => {
    const bundle = buildExamBundle(exam([photo('s/p/left/a.jpg', { grade: 2 }), photo('s/p/right/b.jpg', { status: 'ungradable' })]));
    const obs = bundle.entry.map((e) => e.resource).filter((r): r is Observation => r.resourceType === 'Observation');
    const right = obs.find((o) => o.code.coding?.[0]?.code === '71491-5')!;
    const left = obs.find((o) => o.code.coding?.[0]?.code === '71490-7')!;
    expect(right.dataAbsentReason?.coding?.[0]?.code).toBe('not-performed');
    expect(left.valueCodeableConcept?.coding?.[0]?.code).toBe('LA18645-4');
    const report = bundle.entry[0]!.resource;
    expect(report.resourceType === 'DiagnosticReport' && report.conclusion).toMatch(/Refer.*re-image the right eye/i);
  });
});
