import type { GradeResult } from '../grading/GradeResult.js';

/**
 * What drift is measured on, per result: continuous features (quality score, image size, mean colour) and
 * categorical ones (outcome, grade). One table; the comparison code iterates it.
 */
export const continuousFeatures = {
  qualityScore: { description: 'Quality score 0–1', of: (r: GradeResult) => r.quality?.score ?? null },
  imageSizePx: { description: 'Shorter side of the source image (pixels)', of: (r: GradeResult) => metric(r, 'sourceMinSidePx') },
  meanLuminance: { description: 'Mean luminance inside the field of view (0–255)', of: (r: GradeResult) => metric(r, 'meanLuminance') },
  redGreenRatio: { description: 'Mean red / mean green inside the field of view', of: (r: GradeResult) => metric(r, 'redGreenRatio') },
  redBlueRatio: { description: 'Mean red / mean blue inside the field of view', of: (r: GradeResult) => metric(r, 'redBlueRatio') },
} as const satisfies Record<string, { description: string; of: (r: GradeResult) => number | null }>;

/**
 * Categorical features: each maps a result to a category (or `null` when it does not apply). The outcome
 * (ungradable and rejected rates) is reported per group but is not a drift feature: a curated training set has no
 * ungradable photographs to compare with, and a site's low quality already shows in the quality score.
 */
export const categoricalFeatures = {
  grade: { description: 'ICDR grade of graded photographs', categories: ['0', '1', '2', '3', '4'], of: (r: GradeResult) => (r.grading ? String(r.grading.grade) : null) },
} as const satisfies Record<string, { description: string; categories: readonly string[]; of: (r: GradeResult) => string | null }>;

/** A continuous feature's name. */
export type ContinuousFeature = keyof typeof continuousFeatures;
/** A categorical feature's name. */
export type CategoricalFeature = keyof typeof categoricalFeatures;

function metric(r: GradeResult, name: string): number | null {
  const v = r.quality?.metrics[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The camera of a result: DICOM manufacturer and model, `unknown` for other sources. */
export function cameraOf(result: GradeResult): string {
  const d = result.source?.dicom;
  const name = [d?.manufacturer, d?.model].filter((s): s is string => !!s).join(' ');
  return name === '' ? 'unknown' : name;
}
