import { lesionBurden, type LesionBurden } from './lesionBurden.js';
import { lesionClasses, type LesionCode } from './lesionClasses.js';
import type { LesionMaps } from './LesionModel.js';

/** What the lesion-based grade reads of one photograph: burden from the maps and counts of the learned candidates. */
export interface LesionSummary {
  readonly burden: LesionBurden;
  /** Per class: candidates over the whole retina with score ≥ 0.5 and ≥ 0.2. */
  readonly counts: Readonly<Record<LesionCode, { readonly at50: number; readonly at20: number }>>;
  /** Quadrants around the fovea holding at least one red lesion (MA or HE) at ≥ 0.5, and at least three. */
  readonly redQuadrants: number;
  readonly redQuadrants3: number;
}

/**
 * Summarises the learned lesion stage for grading (the ICDR definitions count lesions by kind and by quadrant: mild
 * = microaneurysms only; severe = the 4-2-1 rule). All coordinates in normalised pixels; `candidates` are the whole
 * retina's, before any reporting threshold or macula filter.
 */
export function summariseLesions(maps: LesionMaps, candidates: readonly { class: string; x: number; y: number; score: number }[], retina: { cx: number; cy: number; radius: number }, fovea: { x: number; y: number } | null, discDiameter: number | null): LesionSummary {
  const counts = {} as Record<LesionCode, { at50: number; at20: number }>;
  for (const c of lesionClasses) {
    const of = candidates.filter((l) => l.class === c.label);
    counts[c.code] = { at50: of.filter((l) => l.score >= 0.5).length, at20: of.filter((l) => l.score >= 0.2).length };
  }
  const quadrant = [0, 0, 0, 0];
  const centre = fovea ?? { x: retina.cx, y: retina.cy };
  for (const l of candidates) {
    if (l.score < 0.5 || (l.class !== 'microaneurysm' && l.class !== 'haemorrhage')) continue;
    const q = (l.x >= centre.x ? 1 : 0) + (l.y >= centre.y ? 2 : 0);
    quadrant[q] = quadrant[q]! + 1;
  }
  return { burden: lesionBurden(maps, retina, fovea, discDiameter), counts, redQuadrants: quadrant.filter((n) => n > 0).length, redQuadrants3: quadrant.filter((n) => n >= 3).length };
}
