import type { AnalysisResult } from '../analysis/AnalysisResult.js';
import { analysisVersion, analyzeFundus, type AnalyzeOptions } from '../analysis/analyzeFundus.js';
import { readDicomSource } from '../dicom/readDicom.js';
import { DrgradeError, invalidArgument, isDrgradeError } from '../errors.js';
import { gradeInfo, referableProbability, sightThreateningProbability, type IcdrGrade } from '../grading/gradeTable.js';
import type { Grader } from '../grading/Grader.js';
import { researchDisclaimer, type GradeResult, type Grading } from '../grading/GradeResult.js';
import { imageToTensor } from '../grading/imageToTensor.js';
import { dihedral8, gradeWithTestTimeAugmentation } from '../grading/gradeWithTestTimeAugmentation.js';
import type { ModelManifest } from '../grading/ModelManifest.js';
import { prepareModelInput } from '../grading/prepareModelInput.js';
import { rejectedResult } from '../grading/rejectedResult.js';
import type { NamedThreshold } from '../grading/crossValidateLesionGrading.js';
import { lesionGradingFor, readLesionGrading, type LesionGrading } from '../grading/LesionGrading.js';
import { lesionGradeFeatures } from '../grading/lesionGradeFeatures.js';
import { predictMultinomialLogistic } from '../grading/multinomialLogistic.js';
import { detectFormat } from '../image/detectFormat.js';

/** Options of {@link gradePhotograph}. */
export interface GradePhotographOptions {
  /** The grader (in-process or remote). */
  grader: Grader;
  /** Analysis options (retina diameter, macula radius…). */
  analysis?: AnalyzeOptions;
  /** Name of the referable operating point. @default the manifest's default */
  operatingPoint?: string;
  /** Aborts grading (e.g. an HTTP deadline). */
  signal?: AbortSignal;
  /** Decode limits. */
  limits?: { maxImageBytes?: number; maxPixels?: number };
  /** Facts about the source to record in provenance (ETag, content hash); never names. */
  sourceFacts?: Record<string, string | number>;
  /** Salt of the patient-identifier hash in `source.dicom` (the `DRGRADE_IDENTIFIER_SALT` setting). @default '' */
  identifierSalt?: string;
  /**
   * The lesion-based grade joined with the CNN (`lesion-grading.json`), or `null` for the CNN alone.
   * @default the shipped one beside the default model (`models/default/lesion-grading.json`), when present
   */
  lesionGrading?: LesionGrading | null;
  /**
   * Test-time augmentation: average the CNN's calibrated probabilities over the eight flips and rotations of the
   * model-ready tensor (one batch), recorded as `grading.testTimeAugmentation: 'dihedral8'`. @default false
   */
  tta?: boolean;
}

/**
 * Analyses and grades one photograph. Permanent input problems never throw: they give status 'rejected' (with
 * `error`) or 'ungradable' (with quality reasons). Transient problems (inference or storage outages, deadlines)
 * throw a {@link DrgradeError} whose `transient` is true, so callers can retry.
 */
export async function gradePhotograph(bytes: Uint8Array, options: GradePhotographOptions): Promise<{ result: GradeResult; analysis: AnalysisResult | null }> {
  const { grader } = options;
  const started = performance.now();
  const provenance = {
    model: { name: grader.manifest.name, version: grader.manifest.version, sha256: grader.manifest.sha256 },
    executionProvider: grader.executionProvider,
    analysisVersion,
    createdAt: new Date().toISOString(),
    ...(options.sourceFacts ? { source: options.sourceFacts } : {}),
  };
  // A DICOM source's facts (UIDs, laterality, camera; the patient only as a salted hash) go into every result.
  const dicom = detectFormat(bytes).format === 'dicom' ? readDicomSource(bytes, { identifierSalt: options.identifierSalt ?? '' }) : null;
  const source = dicom ? { source: { dicom } } : {};
  let analysis: AnalysisResult;
  try {
    options.signal?.throwIfAborted();
    analysis = await analyzeFundus(bytes, { ...options.analysis, ...options.limits });
  } catch (error) {
    if (isDrgradeError(error) && !error.transient) {
      return {
        result: rejectedResult(error, { provenance, ...source, timingsMs: { total: ms(started) } }),
        analysis: null,
      };
    }
    throw abortAsDeadline(error, options.signal);
  }
  const base = { disclaimer: researchDisclaimer, quality: analysis.quality, fov: analysis.fov, landmarks: analysis.landmarks, lesions: analysis.lesions, dme: analysis.dme, provenance: { ...provenance, lesionModel: analysis.lesionModel, landmarkModel: analysis.landmarkModel }, ...source };
  if (!analysis.quality.gradable) {
    return { result: { status: 'ungradable', ...base, grading: null, timingsMs: { ...analysis.timingsMs, total: ms(started) } }, analysis };
  }
  const t0 = performance.now();
  let probabilities: number[];
  try {
    options.signal?.throwIfAborted();
    const input = await prepareModelInput(analysis, grader.manifest.preprocessing);
    const tensor = imageToTensor(input, grader.manifest);
    const signal = options.signal ? { signal: options.signal } : {};
    probabilities = options.tta ? await gradeWithTestTimeAugmentation(grader, tensor, signal) : (await grader.grade([tensor], signal))[0] ?? [];
  } catch (error) {
    throw abortAsDeadline(error, options.signal);
  }
  if (probabilities.length !== 5 || probabilities.some((p) => !Number.isFinite(p))) {
    throw new DrgradeError('INFERENCE_BAD_RESPONSE', `Expected five finite probabilities from the grader but received ${probabilities.length} values`);
  }
  const shipped = options.lesionGrading === undefined ? await defaultLesionGrading() : null;
  // The shipped lesion-based grade joins only the CNN it was fitted beside (another --model grades alone).
  const lesionGrading = options.lesionGrading === undefined ? (shipped && shipped.cnnSha256 === grader.manifest.sha256 ? shipped : null) : options.lesionGrading;
  let grading: Grading;
  if (lesionGrading && analysis.lesionSummary) {
    // A photograph saved below the variant's JPEG quality is graded by the model fitted on recompressed photographs.
    const chosen = lesionGradingFor(lesionGrading, analysis.quality.metrics.jpegQuality);
    const fromLesions = predictMultinomialLogistic(chosen.model, lesionGradeFeatures(analysis.lesionSummary));
    const joined = lesionGrading.combine === 'mean' ? probabilities.map((p, g) => (p + fromLesions[g]!) / 2) : fromLesions;
    const points = { default: chosen.operatingPoints.default, referable: chosen.operatingPoints.referable.map((p: NamedThreshold) => ({ ...p, sensitivity: 0, specificity: 0 })) };
    const decided = decide(joined, { operatingPoints: points }, options.operatingPoint);
    // Two views of one photograph: the CNN on the image and the regression on its lesions. Their disagreement on
    // P(referable) is the uncertainty (half the absolute difference: the standard deviation of the two).
    const spread = Math.abs(referableProbability(probabilities) - referableProbability(fromLesions)) / 2;
    grading = { ...decided, uncertainty: { referableSpread: Math.round(spread * 10000) / 10000, method: 'cnn-vs-lesion-grade' }, combination: `${lesionGrading.combine === 'mean' ? 'mean of the CNN and the lesion-based grade' : 'lesion-based grade'}${chosen.variant === 'main' ? '' : ` (model for JPEG quality ${chosen.variant.slice('jpeg-'.length)})`}` };
  } else {
    grading = decide(probabilities, grader.manifest, options.operatingPoint);
  }
  if (options.tta) grading = { ...grading, testTimeAugmentation: dihedral8 };
  const timingsMs = { ...analysis.timingsMs, grade: ms(t0), total: ms(started) };
  return { result: { status: 'graded', ...base, grading, timingsMs }, analysis };
}

/**
 * The decision rule: referable = P(grade ≥ 2) ≥ the operating point's threshold; the grade is the most probable
 * grade on the side of that decision (so grade and referable never contradict each other).
 */
export function decide(probabilities: readonly number[], manifest: Pick<ModelManifest, 'operatingPoints'>, operatingPoint?: string): Grading {
  const name = operatingPoint ?? manifest.operatingPoints.default;
  const point = manifest.operatingPoints.referable.find((p) => p.name === name);
  if (!point) throw invalidArgument('operatingPoint', `one of ${manifest.operatingPoints.referable.map((p) => p.name).join(', ')}`, name);
  const pRef = referableProbability(probabilities);
  const referable = pRef >= point.threshold;
  const candidates: IcdrGrade[] = referable ? [2, 3, 4] : [0, 1];
  let grade = candidates[0]!;
  for (const g of candidates) if (probabilities[g]! > probabilities[grade]!) grade = g;
  const info = gradeInfo(grade);
  const r4 = (v: number) => Math.round(v * 10000) / 10000;
  return {
    grade,
    label: info.label,
    probabilities: probabilities.map(r4),
    referable,
    referableProbability: r4(pRef),
    sightThreatening: info.sightThreatening,
    sightThreateningProbability: r4(sightThreateningProbability(probabilities)),
    operatingPoint: { name: point.name, threshold: point.threshold },
  };
}

let shippedLesionGrading: Promise<LesionGrading | null> | null = null;

/** The shipped lesion-based grade, read once per process (null when the default model folder has none). */
function defaultLesionGrading(): Promise<LesionGrading | null> {
  shippedLesionGrading ??= readLesionGrading();
  shippedLesionGrading.catch(() => { shippedLesionGrading = null; });
  return shippedLesionGrading;
}

function abortAsDeadline(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted && !isDrgradeError(error)) {
    return new DrgradeError('DEADLINE_EXCEEDED', 'Expected grading to finish before the deadline but it was aborted', { cause: error });
  }
  return error;
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
