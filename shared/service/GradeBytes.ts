import type { AnalysisResult } from '../analysis/AnalysisResult.js';
import type { GradeResult } from '../grading/GradeResult.js';
import type { DecodeCounter } from '../image/DecodeCounter.js';

/** Options of a {@link GradeBytes} call. */
export interface GradeBytesOptions {
  /** Aborts the work (deadline, shutdown). */
  signal?: AbortSignal;
  /** Referable operating point by name. @default the model's default */
  operatingPoint?: string;
  /** Return the source photograph resampled to at most this many pixels in `analysis.images.preview` (the report's picture). @default none */
  previewMaxSide?: number;
  /** Counts the decodes of `bytes`. */
  counter?: Pick<DecodeCounter, 'decodes'>;
}

/**
 * Grades one photograph's bytes: `gradePhotograph` bound to a grader and the app's limits. Never throws for a
 * permanent input problem (returns `rejected` / `ungradable`); throws a transient `DrgradeError` on outages.
 */
export type GradeBytes = (bytes: Uint8Array, options?: GradeBytesOptions) => Promise<{ result: GradeResult; analysis: AnalysisResult | null }>;
