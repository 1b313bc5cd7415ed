import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../../shared/fhir/fhirTypes.js';
import { buildResultSet } from '../../../shared/service/buildResultSet.js';
import { fhirErrors } from '../../helpers/fhirValidation.js';
import { resultFixture } from '../../helpers/resultFixtures.js';

describe('buildResultSet FHIR output', () => {
  it.each(['graded', 'ungradable', 'rejected'] as const)('a %s result set carries its valid FHIR R4 Bundle', async (status) => {
    const set = await buildResultSet(resultFixture({ status, dicom: { laterality: 'right' } }), null, { bytes: null });
    const bundle = JSON.parse(set.fhirJson!) as Bundle;
    expect(bundle.resourceType).toBe('Bundle');
    expect(await fhirErrors(bundle)).toEqual([]);
  });
});
