import { burdenRegions } from '../lesions/lesionBurden.js';
import { lesionClasses } from '../lesions/lesionClasses.js';
import type { LesionSummary } from '../lesions/summariseLesions.js';

/** Names of {@link lesionGradeFeatures}' columns, in order. */
export const lesionGradeFeatureNames: readonly string[] = [
  ...lesionClasses.flatMap((c) => [...burdenRegions.map((r) => `${c.code}.area.${r}`), `${c.code}.peak`, `${c.code}.count50`, `${c.code}.count20`]),
  'red.quadrants', 'red.quadrants3',
];

/**
 * The features of the lesion-based grade: per class the map area above 0.5 by region (log1p of 1/10 000 of the
 * retina), the peak probability, and log1p of the candidates at score ≥ 0.5 and ≥ 0.2; then how many quadrants
 * around the fovea hold a red lesion at ≥ 0.5, and how many hold three or more.
 */
export function lesionGradeFeatures(summary: LesionSummary): number[] {
  const row: number[] = [];
  for (const c of lesionClasses) {
    for (const r of burdenRegions) row.push(Math.log1p(summary.burden.area[c.code][r]));
    row.push(summary.burden.peak[c.code], Math.log1p(summary.counts[c.code].at50), Math.log1p(summary.counts[c.code].at20));
  }
  row.push(summary.redQuadrants, summary.redQuadrants3);
  return row;
}
