import { describe, expect, it } from 'vitest';
import { analysisVersion } from '../../../shared/analysis/analyzeFundus.js';
import { rejectedResult } from '../../../shared/grading/rejectedResult.js';
import { researchDisclaimer } from '../../../shared/grading/GradeResult.js';

describe('rejectedResult', () => {
  const error = { code: 'CORRUPT_IMAGE', message: 'Expected a decodable JPEG for input but its header could not be read' };
  const now = new Date('2026-01-02T03:04:05.000Z');

  it('builds the empty rejected shape with the error and what is known', () => {
    expect(rejectedResult(error, { now })).toEqual({
      status: 'rejected',
      disclaimer: researchDisclaimer,
      grading: null,
      quality: null,
      fov: null,
      landmarks: null,
      lesions: [],
      dme: null,
      provenance: { model: null, executionProvider: null, analysisVersion, createdAt: '2026-01-02T03:04:05.000Z' },
      timingsMs: {},
      error,
    });
  });

  it('carries the model, execution provider, source facts, file facts and timings when given, and nothing else of the error', () => {
    const model = { name: 'm', version: '1', sha256: 'a'.repeat(64) };
    const result = rejectedResult(Object.assign(new Error(error.message), { code: error.code, cause: 'secret' }), {
      provenance: { model, executionProvider: 'cpu', source: { etag: '"0x1"', sha256: 'b'.repeat(64) } },
      timingsMs: { total: 12 },
      now,
    });
    expect(result.provenance).toEqual({ model, executionProvider: 'cpu', analysisVersion, createdAt: now.toISOString(), source: { etag: '"0x1"', sha256: 'b'.repeat(64) } });
    expect(result.timingsMs).toEqual({ total: 12 });
    expect(result.error).toEqual(error);
  });
});
