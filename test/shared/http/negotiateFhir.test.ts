import { describe, expect, it } from 'vitest';
import { prefersFhir, toFhirResponse } from '../../../shared/http/negotiateFhir.js';
import { resultFixture } from '../../helpers/resultFixtures.js';

describe('prefersFhir', () => {
  it.each([
    ['application/fhir+json', true],
    ['application/fhir+json; fhirVersion=4.0', true],
    ['application/json+fhir', true],
    ['application/json, application/fhir+json', true],
    ['application/json;q=0.9, application/fhir+json', true],
    ['application/fhir+json;q=0.5, application/json', false],
    ['application/fhir+json;q=0', false],
    ['application/json', false],
    ['*/*', false],
    ['', false],
    [null, false],
  ] as const)('%s -> %s', (accept, expected) => {
    expect(prefersFhir(accept)).toBe(expected);
  });
});

describe('toFhirResponse', () => {
  it('answers the Bundle of the result as application/fhir+json, keeping other headers', () => {
    const r = toFhirResponse({ status: 200, headers: { 'cache-control': 'no-store' }, jsonBody: resultFixture({ grade: 2 }) });
    expect(r.headers).toMatchObject({ 'cache-control': 'no-store', 'content-type': 'application/fhir+json; charset=utf-8' });
    const bundle = JSON.parse(String(r.body)) as { resourceType: string; entry: { resource: { resourceType: string } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry[0]!.resource.resourceType).toBe('DiagnosticReport');
  });
});
