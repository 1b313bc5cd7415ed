import type { LesionBurden } from '../lesionEval/lesionBurden.js';
import { burdenRegions } from '../lesionEval/lesionBurden.js';
import { lesionClasses } from '../lesions/lesionClasses.js';

/** What the lesion-based grade reads of one analysed photograph. */
export interface LesionGradeInput {
  readonly burden: LesionBurden;
  /** Every candidate of the whole retina (any score), source pixels. */
  readonly candidates: readonly { readonly class: string; readonly x: number; readonly y: number; readonly score: number }[];
  readonly fovea: { readonly x: number; readonly y: number } | null;
}

/** Names of {@link lesionGradeFeatures}' columns, in order. */
export const lesionGradeFeatureNames: readonly string[] = [
  ...lesionClasses.flatMap((c) => [...burdenRegions.map((r) => `${c.code}.area.${r}`), `${c.code}.peak`, `${c.code}.count50`, `${c.code}.count20`]),
  'red.quadrants', 'red.quadrants3',
];

/**
 * The features of the lesion-based grade, after the ICDR definitions (mild = microaneurysms only; moderate = more;
 * severe = the 4-2-1 rule, haemorrhages in all four quadrants): per class the map area above 0.5 by region
 * (log1p of 1/10 000 of the retina), the peak probability, and log1p of the candidates at score ≥ 0.5 and ≥ 0.2;
 * then how many quadrants around the fovea hold a red lesion at ≥ 0.5, and how many hold three or more.
 */
export function lesionGradeFeatures(input: LesionGradeInput): number[] {
  const row: number[] = [];
  for (const c of lesionClasses) {
    for (const r of burdenRegions) row.push(Math.log1p(input.burden.area[c.code][r]));
    row.push(input.burden.peak[c.code]);
    const of = input.candidates.filter((l) => l.class === c.label);
    row.push(Math.log1p(of.filter((l) => l.score >= 0.5).length), Math.log1p(of.filter((l) => l.score >= 0.2).length));
  }
  const quadrant = [0, 0, 0, 0];
  if (input.fovea) {
    for (const l of input.candidates) {
      if (l.score < 0.5 || (l.class !== 'microaneurysm' && l.class !== 'haemorrhage')) continue;
      quadrant[(l.x >= input.fovea.x ? 1 : 0) + (l.y >= input.fovea.y ? 2 : 0)]!++;
    }
  }
  row.push(quadrant.filter((n) => n > 0).length, quadrant.filter((n) => n >= 3).length);
  return row;
}
