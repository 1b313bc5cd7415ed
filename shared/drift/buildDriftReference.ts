import type { GradeResult } from '../grading/GradeResult.js';
import { quantileEdges } from './binProportions.js';
import { categoricalFeatures, continuousFeatures, type CategoricalFeature, type ContinuousFeature } from './driftFeatures.js';
import type { DriftReference } from './DriftReference.js';

/** Bins of the PSI of a continuous feature (quintiles of the reference). */
export const psiBins = 5;

/** Builds {@link DriftReference} statistics from result JSONs (e.g. of the model's training photographs). */
export function buildDriftReference(results: readonly GradeResult[], description: string, now = new Date()): DriftReference {
  const continuous = {} as Record<ContinuousFeature, { values: number[]; binEdges: number[] }>;
  for (const [name, feature] of Object.entries(continuousFeatures) as [ContinuousFeature, (typeof continuousFeatures)[ContinuousFeature]][]) {
    const values = results.map((r) => feature.of(r)).filter((v): v is number => v !== null).map((v) => Math.round(v * 1e4) / 1e4).sort((a, b) => a - b);
    continuous[name] = { values, binEdges: quantileEdges(values, psiBins) };
  }
  const categorical = {} as Record<CategoricalFeature, { counts: Record<string, number> }>;
  for (const [name, feature] of Object.entries(categoricalFeatures) as [CategoricalFeature, (typeof categoricalFeatures)[CategoricalFeature]][]) {
    const counts = Object.fromEntries(feature.categories.map((c) => [c, 0])) as Record<string, number>;
    for (const r of results) {
      const c = feature.of(r);
      if (c !== null && c in counts) counts[c]!++;
    }
    categorical[name] = { counts };
  }
  const model = results.find((r) => r.provenance.model)?.provenance.model ?? null;
  return { schemaVersion: 1, description, model, createdAt: now.toISOString(), n: results.length, continuous, categorical };
}
