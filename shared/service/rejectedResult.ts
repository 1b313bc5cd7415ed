import { analysisVersion } from '../analysis/analyzeFundus.js';
import type { GradeResult, Provenance } from '../grading/GradeResult.js';
import { researchDisclaimer } from '../grading/GradeResult.js';

/**
 * A `rejected` result made without running the pipeline: for problems found before any pixel is read (an unsafe
 * blob name, a blob over the size limit) and for permanent system errors, so every source still gets one result.
 */
export function rejectedResult(error: { code: string; message: string }, source?: Provenance['source'], now = new Date()): GradeResult {
  return {
    status: 'rejected',
    disclaimer: researchDisclaimer,
    grading: null,
    quality: null,
    fov: null,
    landmarks: null,
    lesions: [],
    provenance: {
      model: null,
      executionProvider: null,
      analysisVersion,
      createdAt: now.toISOString(),
      ...(source ? { source } : {}),
    },
    timingsMs: {},
    error: { code: error.code, message: error.message },
  };
}
