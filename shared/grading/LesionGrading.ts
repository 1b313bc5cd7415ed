import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrgradeError } from '../errors.js';
import type { LesionSummary } from '../lesions/summariseLesions.js';
import type { NamedThreshold } from './crossValidateLesionGrading.js';
import { defaultModelDir } from './defaultModelDir.js';
import { lesionGradeFeatureNames, lesionGradeFeatures } from './lesionGradeFeatures.js';
import { predictMultinomialLogistic, type MultinomialLogistic } from './multinomialLogistic.js';

/** File name of the lesion-based grade inside a grading model folder. */
export const lesionGradingFile = 'lesion-grading.json';

/**
 * The lesion-based grade (`lesion-grading.json`, written by `drgrade fit-lesion-grading --write`): a multinomial
 * logistic regression on the learned lesion stage's summary, with its own referable operating points (chosen on
 * out-of-fold predictions). `combine` says how it joins the CNN: 'lesion' grades from the lesions alone (the CNN's
 * spread from it is the uncertainty), 'mean' averages both distributions.
 */
export interface LesionGrading {
  readonly model: MultinomialLogistic;
  readonly combine: 'lesion' | 'mean';
  readonly operatingPoints: { readonly default: string; readonly referable: readonly NamedThreshold[] };
  /** sha256 of the CNN it was fitted beside: the shipped file joins only that model. */
  readonly cnnSha256: string;
}

/** Probabilities of grades 0–4 from a lesion summary. */
export function lesionGradeProbabilities(grading: LesionGrading, summary: LesionSummary): number[] {
  return predictMultinomialLogistic(grading.model, lesionGradeFeatures(summary));
}

/** Reads and checks `lesion-grading.json` in `dir`; `null` when the folder has none. Problems are `MODEL_MANIFEST_INVALID`. */
export async function readLesionGrading(dir: string = defaultModelDir()): Promise<LesionGrading | null> {
  const path = join(dir, lesionGradingFile);
  if (!existsSync(path)) return null;
  const fail = (what: string): never => { throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected ${what} in ${lesionGradingFile}`, { details: { file: lesionGradingFile } }); };
  let parsed: { model?: MultinomialLogistic; combine?: unknown; cnnSha256?: unknown; operatingPoints?: { default?: unknown; referable?: unknown } };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as typeof parsed;
  } catch (error) {
    throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected JSON for ${lesionGradingFile} but received text that does not parse (${(error as Error).message})`, { cause: error });
  }
  const m = parsed.model;
  if (!m || JSON.stringify(m.features) !== JSON.stringify(lesionGradeFeatureNames)) fail(`model.features equal to this build's ${lesionGradeFeatureNames.length} lesion features`);
  if (!Array.isArray(m!.weights) || m!.weights.length !== 5 || m!.weights.some((r) => r.length !== lesionGradeFeatureNames.length + 1 || r.some((v: number) => !Number.isFinite(v)))) fail('5 rows of finite weights');
  const combine = parsed.combine ?? 'lesion';
  if (combine !== 'lesion' && combine !== 'mean') fail("combine 'lesion' or 'mean'");
  const points = parsed.operatingPoints;
  const referable = Array.isArray(points?.referable) ? (points.referable as NamedThreshold[]) : fail('operatingPoints.referable');
  if (!referable.every((p) => typeof p.name === 'string' && p.threshold >= 0 && p.threshold <= 1)) fail('operating points with a name and a threshold in [0, 1]');
  if (!referable.some((p) => p.name === points?.default)) fail('operatingPoints.default naming one of the points');
  if (typeof parsed.cnnSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.cnnSha256)) fail('cnnSha256, the sha256 of the CNN it joins');
  return { model: m!, combine: combine as 'lesion' | 'mean', operatingPoints: { default: String(points!.default), referable }, cnnSha256: String(parsed.cnnSha256) };
}
