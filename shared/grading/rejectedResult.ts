import { analysisVersion } from '../analysis/analyzeFundus.js';
import { researchDisclaimer, type GradeResult, type Provenance } from './GradeResult.js';

/** Options of {@link rejectedResult}. */
export interface RejectedResultOptions {
  /** What is known when the photograph is refused. @default no model, no execution provider, no source facts */
  readonly provenance?: Partial<Pick<Provenance, 'model' | 'executionProvider' | 'source'>>;
  /** What the source file said about itself (a DICOM source's facts). @default none */
  readonly source?: GradeResult['source'];
  /** @default {} */
  readonly timingsMs?: GradeResult['timingsMs'];
  /** @default now */
  readonly now?: Date;
}

/**
 * The one builder of a `rejected` result: no grading, quality, field of view, landmarks or lesions, the error's
 * stable code and message, and the provenance known so far. Used wherever a photograph is refused (the pipeline,
 * an unsafe blob name, a blob over the size limit, an unreadable file, a permanent system error), so every source
 * still gets one result of the same shape.
 */
export function rejectedResult(error: { readonly code: string; readonly message: string }, options: RejectedResultOptions = {}): GradeResult {
  const { provenance = {} } = options;
  return {
    status: 'rejected',
    disclaimer: researchDisclaimer,
    grading: null,
    quality: null,
    fov: null,
    landmarks: null,
    lesions: [],
    dme: null,
    provenance: {
      model: provenance.model ?? null,
      executionProvider: provenance.executionProvider ?? null,
      analysisVersion,
      createdAt: (options.now ?? new Date()).toISOString(),
      ...(provenance.source ? { source: provenance.source } : {}),
    },
    ...(options.source ? { source: options.source } : {}),
    timingsMs: options.timingsMs ?? {},
    error: { code: error.code, message: error.message },
  };
}
