import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrgradeError } from '../errors.js';
import type { NamedThreshold } from './crossValidateLesionGrading.js';
import { defaultModelDir } from './defaultModelDir.js';
import { lesionGradeFeatureNames } from './lesionGradeFeatures.js';
import type { MultinomialLogistic } from './multinomialLogistic.js';

/** JPEG quality of the photographs the main model is fitted on (IDRiD's grading photographs read 90). */
export const mainJpegQuality = 90;

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
  /**
   * Grades for compressed photographs, by JPEG quality band, lowest first: a photograph saved below a band's
   * `maxJpegQuality` (and not below the band before it) is graded by that band's model, fitted on the same
   * photographs recompressed at `fittedJpegQuality` (`fit-lesion-grading --compressed`). Compression makes the lesion
   * maps find false microaneurysms, which a model fitted on other photographs reads as retinopathy
   * (docs/lesion-grading.md). Absent in older files; photographs that are not JPEGs get the main model.
   */
  readonly compressed?: readonly CompressedGrading[];
}

/** One JPEG quality band of {@link LesionGrading.compressed}. */
export interface CompressedGrading {
  readonly maxJpegQuality: number;
  readonly fittedJpegQuality: number;
  readonly model: MultinomialLogistic;
  readonly operatingPoints: { readonly default: string; readonly referable: readonly NamedThreshold[] };
}

/**
 * Bands from the qualities the compressed models were fitted at: each band ends midway to the next fitted quality,
 * the last midway to {@link mainJpegQuality}. Qualities must be distinct and below the main one.
 */
export function jpegQualityBands(fitted: readonly number[]): { fittedJpegQuality: number; maxJpegQuality: number }[] {
  const qs = [...fitted].sort((a, b) => a - b);
  return qs.map((q, i) => ({ fittedJpegQuality: q, maxJpegQuality: (q + (qs[i + 1] ?? mainJpegQuality)) / 2 }));
}

/** The model and operating points that grade a photograph of this JPEG quality (null: not a JPEG). */
export function lesionGradingFor(grading: LesionGrading, jpegQuality: number | null | undefined): { variant: string; model: MultinomialLogistic; operatingPoints: LesionGrading['operatingPoints'] } {
  const band = jpegQuality == null ? undefined : grading.compressed?.find((c) => jpegQuality < c.maxJpegQuality);
  if (band) return { variant: `jpeg-${band.fittedJpegQuality}`, model: band.model, operatingPoints: band.operatingPoints };
  return { variant: 'main', model: grading.model, operatingPoints: grading.operatingPoints };
}

/** Reads and checks `lesion-grading.json` in `dir`; `null` when the folder has none. Problems are `MODEL_MANIFEST_INVALID`. */
export async function readLesionGrading(dir: string = defaultModelDir()): Promise<LesionGrading | null> {
  const path = join(dir, lesionGradingFile);
  if (!existsSync(path)) return null;
  const fail = (what: string): never => { throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected ${what} in ${lesionGradingFile}`, { details: { file: lesionGradingFile } }); };
  let parsed: { model?: MultinomialLogistic; combine?: unknown; cnnSha256?: unknown; operatingPoints?: { default?: unknown; referable?: unknown }; compressed?: unknown };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as typeof parsed;
  } catch (error) {
    throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected JSON for ${lesionGradingFile} but received text that does not parse (${(error as Error).message})`, { cause: error });
  }
  const checkModel = (m: MultinomialLogistic | undefined, where: string): MultinomialLogistic => {
    if (!m || JSON.stringify(m.features) !== JSON.stringify(lesionGradeFeatureNames)) fail(`${where}.features equal to this build's ${lesionGradeFeatureNames.length} lesion features`);
    if (!Array.isArray(m!.weights) || m!.weights.length !== 5 || m!.weights.some((r) => r.length !== lesionGradeFeatureNames.length + 1 || r.some((v: number) => !Number.isFinite(v)))) fail(`5 rows of finite weights in ${where}`);
    return m!;
  };
  const checkPoints = (points: { default?: unknown; referable?: unknown } | undefined, where: string): LesionGrading['operatingPoints'] => {
    const referable = Array.isArray(points?.referable) ? (points.referable as NamedThreshold[]) : fail(`${where}.referable`);
    if (!referable.every((p) => typeof p.name === 'string' && p.threshold >= 0 && p.threshold <= 1)) fail(`operating points with a name and a threshold in [0, 1] in ${where}`);
    if (!referable.some((p) => p.name === points?.default)) fail(`${where}.default naming one of the points`);
    return { default: String(points!.default), referable };
  };
  const model = checkModel(parsed.model, 'model');
  const combine = parsed.combine ?? 'lesion';
  if (combine !== 'lesion' && combine !== 'mean') fail("combine 'lesion' or 'mean'");
  const operatingPoints = checkPoints(parsed.operatingPoints, 'operatingPoints');
  if (typeof parsed.cnnSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.cnnSha256)) fail('cnnSha256, the sha256 of the CNN it joins');
  let compressed: CompressedGrading[] | undefined;
  if (parsed.compressed !== undefined) {
    if (!Array.isArray(parsed.compressed)) fail('compressed, a list of JPEG quality bands');
    compressed = (parsed.compressed as { maxJpegQuality?: unknown; fittedJpegQuality?: unknown; model?: MultinomialLogistic; operatingPoints?: { default?: unknown; referable?: unknown } }[]).map((c, i) => {
      const where = `compressed[${i}]`;
      const max = c?.maxJpegQuality, at = c?.fittedJpegQuality;
      if (typeof max !== 'number' || typeof at !== 'number' || !(at >= 1 && at < max && max <= 100)) fail(`${where}.fittedJpegQuality and maxJpegQuality, JPEG qualities with 1 ≤ fitted < max ≤ 100`);
      return { maxJpegQuality: max as number, fittedJpegQuality: at as number, model: checkModel(c.model, `${where}.model`), operatingPoints: checkPoints(c.operatingPoints, `${where}.operatingPoints`) };
    });
    if (compressed.some((c, i) => i > 0 && c.fittedJpegQuality < compressed![i - 1]!.maxJpegQuality)) fail('compressed bands in increasing order, each fitted above the band before it ends');
  }
  return { model, combine: combine as 'lesion' | 'mean', operatingPoints, cnnSha256: String(parsed.cnnSha256), ...(compressed ? { compressed } : {}) };
}
