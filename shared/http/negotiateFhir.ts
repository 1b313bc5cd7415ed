import type { HttpResponseInit } from '@azure/functions';
import { buildDiagnosticReportBundle } from '../fhir/buildDiagnosticReportBundle.js';
import type { GradeResult } from '../grading/GradeResult.js';

/** The FHIR JSON media type (FHIR R4 §3.1.0.1.10), and the pre-R4 spelling some clients still send. */
const fhirTypes = ['application/fhir+json', 'application/json+fhir'];

/**
 * True when an `Accept` header prefers FHIR JSON: a FHIR type with q > 0 ranked at least as high as
 * `application/json` (so `Accept: application/fhir+json` alone, or listed first with equal weight, selects FHIR).
 */
export function prefersFhir(accept: string | null | undefined): boolean {
  if (!accept) return false;
  let fhir = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (fhirTypes.includes(type)) fhir = Math.max(fhir, q);
    else if (type === 'application/json') json = Math.max(json, q);
  }
  return fhir > 0 && fhir >= json;
}

/**
 * Turns a 200 grade response (its `jsonBody` the result) into the FHIR R4 Bundle of that result, as
 * `application/fhir+json`; images asked for with `?annotated=true` have no place in the Bundle and are dropped.
 */
export function toFhirResponse(response: HttpResponseInit): HttpResponseInit {
  const result = response.jsonBody as GradeResult;
  const headers = { ...(response.headers as Record<string, string> | undefined), 'content-type': 'application/fhir+json; charset=utf-8' };
  return { status: response.status ?? 200, headers, body: JSON.stringify(buildDiagnosticReportBundle(result)) };
}
