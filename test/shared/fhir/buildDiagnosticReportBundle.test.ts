import { describe, expect, it } from 'vitest';
import { buildDiagnosticReportBundle } from '../../../shared/fhir/buildDiagnosticReportBundle.js';
import type { Bundle, DiagnosticReport, Observation } from '../../../shared/fhir/fhirTypes.js';
import { codingsOutsideValueSets, fhirErrors, r4Validator } from '../../helpers/fhirValidation.js';
import { resultFixture } from '../../helpers/resultFixtures.js';

const observations = (b: Bundle) => b.entry.map((e) => e.resource).filter((r): r is Observation => r.resourceType === 'Observation');
const report = (b: Bundle) => b.entry.map((e) => e.resource).find((r): r is DiagnosticReport => r.resourceType === 'DiagnosticReport')!;
const severity = (b: Bundle) => observations(b).find((o) => o.code.coding?.some((c) => ['71491-5', '71490-7', '4855003'].includes(c.code)))!;

describe('buildDiagnosticReportBundle', () => {
  it('the validator used here catches invalid resources (so the checks below can fail)', async () => {
    const validate = await r4Validator();
    expect(validate({ resourceType: 'Observation', code: {} }).length).toBeGreaterThan(0);
    const broken = buildDiagnosticReportBundle(resultFixture({ grade: 2 }));
    const bad = { ...broken, entry: [...broken.entry, { fullUrl: 'urn:uuid:x', resource: { resourceType: 'Observation', id: 'x' } }] } as unknown as Bundle;
    expect((await fhirErrors(bad)).length).toBeGreaterThan(0);
    expect(codingsOutsideValueSets({ code: { coding: [{ system: 'http://loinc.org', code: '12345-6' }] } })).toEqual(['http://loinc.org|12345-6']);
  });

  it.each([0, 1, 2, 3, 4] as const)('a graded right-eye DICOM photograph of grade %i validates, with LOINC 71491-5 and its answer', async (grade) => {
    const bundle = buildDiagnosticReportBundle(resultFixture({ grade, dicom: { laterality: 'right' }, dmeRisk: grade >= 3 ? 2 : 0 }));
    expect(await fhirErrors(bundle)).toEqual([]);
    expect(codingsOutsideValueSets(bundle)).toEqual([]);
    const s = severity(bundle);
    expect(s.code.coding?.[0]?.code).toBe('71491-5');
    expect(s.valueCodeableConcept?.coding?.[0]?.code).toBe(['LA18643-9', 'LA18644-7', 'LA18645-4', 'LA18646-2', 'LA18648-8'][grade]);
    expect(s.valueCodeableConcept?.coding?.[1]?.code).toBe([undefined, '312903003', '312904009', '312905005', '59276001'][grade]);
    const r = report(bundle);
    expect(r.status).toBe('final');
    expect(r.subject?.identifier?.value).toBe('0123456789abcdef');
    expect(r.imagingStudy?.[0]?.identifier?.value).toBe('urn:oid:1.2.3.4');
    expect(r.text.div).toContain('Research use only');
    expect(r.result).toHaveLength(observations(bundle).length);
    const referable = observations(bundle).find((o) => o.code.coding?.[0]?.code === 'referable-dr')!;
    expect(referable.valueBoolean).toBe(grade >= 2);
    expect(referable.method?.text).toContain('balanced');
    const dme = observations(bundle).find((o) => o.code.coding?.[0]?.code === '312912001')!;
    expect(dme.valueCodeableConcept?.coding?.[0]?.code).toBe(grade >= 3 ? '52101004' : '2667000');
    const device = bundle.entry.find((e) => e.resource.resourceType === 'Device')!.resource;
    expect(device).toMatchObject({ deviceName: [{ name: 'drgrade-test', type: 'model-name' }], version: [{ value: '0.0.1' }], identifier: [{ value: 'ab'.repeat(32) }] });
  });

  it('uses 71490-7 for a left eye, and the disorder code without a stated eye', async () => {
    expect(severity(buildDiagnosticReportBundle(resultFixture({ dicom: { laterality: 'left' } }))).code.coding?.[0]?.code).toBe('71490-7');
    expect(severity(buildDiagnosticReportBundle(resultFixture({}), { eye: 'left' })).code.coding?.[0]?.code).toBe('71490-7');
    const unknown = buildDiagnosticReportBundle(resultFixture({}));
    expect(severity(unknown).code.coding?.[0]?.code).toBe('4855003');
    expect(await fhirErrors(unknown)).toEqual([]);
  });

  it('an ungradable photograph validates, with dataAbsentReason instead of values', async () => {
    const bundle = buildDiagnosticReportBundle(resultFixture({ status: 'ungradable', dicom: { laterality: 'left' } }));
    expect(await fhirErrors(bundle)).toEqual([]);
    expect(codingsOutsideValueSets(bundle)).toEqual([]);
    const s = severity(bundle);
    expect(s.valueCodeableConcept).toBeUndefined();
    expect(s.dataAbsentReason?.coding?.[0]?.code).toBe('not-performed');
    expect(report(bundle).conclusion).toMatch(/re-image/);
  });

  it('a rejected photograph validates as a cancelled report', async () => {
    const bundle = buildDiagnosticReportBundle(resultFixture({ status: 'rejected' }));
    expect(await fhirErrors(bundle)).toEqual([]);
    expect(codingsOutsideValueSets(bundle)).toEqual([]);
    expect(report(bundle).status).toBe('cancelled');
    expect(severity(bundle).dataAbsentReason?.coding?.[0]?.code).toBe('error');
  });

  it('is deterministic (same result, same Bundle) and keeps a zone-less acquisition time to its date', () => {
    const a = buildDiagnosticReportBundle(resultFixture({ dicom: {} }));
    expect(buildDiagnosticReportBundle(resultFixture({ dicom: {} }))).toEqual(a);
    expect(report(a).effectiveDateTime).toBe('2024-03-15');
    const zoned = buildDiagnosticReportBundle(resultFixture({ dicom: { acquisitionDateTime: '2024-03-15T09:30:12+01:00' } }));
    expect(report(zoned).effectiveDateTime).toBe('2024-03-15T09:30:12+01:00');
  });
});
