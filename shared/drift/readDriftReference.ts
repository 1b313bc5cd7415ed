import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrgradeError } from '../errors.js';
import { packageModelsDir } from '../model/packageModelsDir.js';
import { categoricalFeatures, continuousFeatures } from './driftFeatures.js';
import type { DriftReference } from './DriftReference.js';

/** Path of the shipped model's reference statistics. */
export function defaultDriftReferencePath(): string {
  return join(packageModelsDir(), 'default', 'drift-reference.json');
}

/** Reads and checks a {@link DriftReference} file. @default the shipped model's */
export async function readDriftReference(path = defaultDriftReferencePath()): Promise<DriftReference> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new DrgradeError('NOT_FOUND', 'Expected readable drift reference statistics (JSON) but reading failed', { cause: error });
  }
  const r = value as Partial<DriftReference>;
  const ok = r?.schemaVersion === 1 && typeof r.n === 'number'
    && Object.keys(continuousFeatures).every((k) => Array.isArray(r.continuous?.[k as keyof typeof continuousFeatures]?.values) && Array.isArray(r.continuous?.[k as keyof typeof continuousFeatures]?.binEdges))
    && Object.keys(categoricalFeatures).every((k) => typeof r.categorical?.[k as keyof typeof categoricalFeatures]?.counts === 'object');
  if (!ok) throw new DrgradeError('INVALID_ARGUMENT', 'Expected drift reference statistics of schema version 1 with every feature but received another shape');
  return r as DriftReference;
}
