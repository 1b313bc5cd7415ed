import type { GradeResult } from '../grading/GradeResult.js';
import { quantileEdges } from './binProportions.js';
import { categoricalFeatures, continuousFeatures, type CategoricalFeature, type ContinuousFeature } from './driftFeatures.js';
import type { DriftReference } from './DriftReference.js';

/** Bins of the PSI of a continuous feature (quintiles of the reference). */
export const psiBins = 5;

/**
 * Quintile edges of the reference values. When ties collapse them (a curated training set may have one image size
 * and top quality throughout), the reference range itself becomes a bin, so values below or above it still show.
 */
export function binEdgesOf(sortedValues: readonly number[]): number[] {
  const edges = quantileEdges(sortedValues, psiBins);
  if (edges.length >= psiBins - 1 || sortedValues.length === 0) return edges;
  const min = sortedValues[0]!, max = sortedValues[sortedValues.length - 1]!;
  const below = min - Math.max(1e-6, Math.abs(min) * 1e-6);
  return [...new Set([below, ...edges, max])].sort((a, b) => a - b);
}

/** Builds {@link DriftReference} statistics from result JSONs (e.g. of the model's training photographs). */
export function buildDriftReference(results: readonly GradeResult[], description: string, now = new Date()): DriftReference {
  const continuous = {} as Record<ContinuousFeature, { values: number[]; binEdges: number[] }>;
  for (const [name, feature] of Object.entries(continuousFeatures) as [ContinuousFeature, (typeof continuousFeatures)[ContinuousFeature]][]) {
    const values = results.map((r) => feature.of(r)).filter((v): v is number => v !== null).map((v) => Math.round(v * 1e4) / 1e4).sort((a, b) => a - b);
    continuous[name] = { values, binEdges: binEdgesOf(values) };
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
