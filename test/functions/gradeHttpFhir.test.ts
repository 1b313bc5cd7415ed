import { afterAll, describe, expect, it } from 'vitest';
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { readSettings } from '../../shared/config/settings.js';
import { createGradeHttp } from '../../functions/gradeHttp.js';
import type { Bundle } from '../../shared/fhir/fhirTypes.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { synthFundus } from '../../shared/synth/synthFundus.js';
import { tinyModelDir } from '../fixtures/tiny-model/tinyModel.js';
import { synthDicom } from '../../shared/synth/synthDicom.js';
import { codingsOutsideValueSets, fhirErrors } from '../helpers/fhirValidation.js';

const settings = readSettings({ DRGRADE_MODEL_DIR: tinyModelDir, DRGRADE_IDENTIFIER_SALT: 'http-salt' });
afterAll(closeSharedGraders);

async function call(body: Uint8Array, headers: Record<string, string>) {
  const handler = createGradeHttp(settings);
  const request = new HttpRequest({ method: 'POST', url: 'http://localhost/api/grade', headers, body: { bytes: body } });
  const context = new InvocationContext({ functionName: 'gradeHttp', invocationId: 'b7c1d6a2-0000-4000-8000-0000000000f1' });
  const response = new HttpResponse((await handler(request, context)) as HttpResponseInit);
  return { status: response.status, type: response.headers.get('content-type') ?? '', json: JSON.parse(await response.text()) as Record<string, unknown> };
}

describe('POST /api/grade with DICOM and FHIR', () => {
  it('grades an application/dicom body and answers FHIR when the client asks for application/fhir+json', async () => {
    const dicom = await synthDicom(synthFundus({ seed: 51, width: 640, grade: 1 }).image, { imageLaterality: 'L', patientId: 'MRN-HTTP-1' });
    const fhir = await call(dicom, { 'content-type': 'application/dicom', accept: 'application/fhir+json' });
    expect(fhir.status).toBe(200);
    expect(fhir.type).toMatch(/^application\/fhir\+json/);
    const bundle = fhir.json as unknown as Bundle;
    expect(bundle.resourceType).toBe('Bundle');
    expect(await fhirErrors(bundle)).toEqual([]);
    expect(codingsOutsideValueSets(bundle)).toEqual([]);
    const severity = bundle.entry.find((e) => e.resource.resourceType === 'Observation')!.resource;
    expect(severity.resourceType === 'Observation' && severity.code.coding?.[0]?.code).toBe('71490-7');
    expect(JSON.stringify(bundle)).not.toContain('MRN-HTTP-1');

    const plain = await call(dicom, { 'content-type': 'application/dicom' });
    expect(plain.type).toMatch(/^application\/json/);
    expect((plain.json.source as { dicom: { laterality: string } }).dicom.laterality).toBe('left');
  });

  it('answers a refused DICOM with a problem carrying its DICOM_ code', async () => {
    const dicom = await synthDicom(synthFundus({ seed: 52, width: 320 }).image, { sopClass: 'ct' });
    const r = await call(dicom, { 'content-type': 'application/dicom', accept: 'application/fhir+json' });
    expect(r.status).toBe(415);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.json.code).toBe('DICOM_UNSUPPORTED_SOP_CLASS');
  });
});
