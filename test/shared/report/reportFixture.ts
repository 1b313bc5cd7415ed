import { researchDisclaimer, type GradeResult } from '../../../shared/grading/GradeResult.js';
import type { IcdrGrade } from '../../../shared/grading/gradeTable.js';
import { synthFundus, type SyntheticFundus } from '../../../shared/synth/synthFundus.js';

/**
 * A graded result built from a synthetic photograph's ground truth (lesions, disc, fovea in its pixels), with
 * probabilities peaked at the truth grade: what the pipeline would return for a perfect analysis.
 */
export function syntheticGradedResult(options: { seed: number; width: number; grade: IcdrGrade }): { fundus: SyntheticFundus; result: GradeResult } {
  const fundus = synthFundus({ seed: options.seed, width: options.width, grade: options.grade });
  const { truth } = fundus;
  const probabilities = [0, 1, 2, 3, 4].map((g) => (g === truth.grade ? 0.6 : 0.1));
  const referableProbability = probabilities[2]! + probabilities[3]! + probabilities[4]!;
  const result: GradeResult = {
    status: 'graded',
    disclaimer: researchDisclaimer,
    grading: {
      grade: truth.grade,
      label: ['no_dr', 'mild_npdr', 'moderate_npdr', 'severe_npdr', 'proliferative_dr'][truth.grade]!,
      probabilities,
      referable: referableProbability >= 0.5,
      referableProbability,
      sightThreatening: probabilities[3]! + probabilities[4]! >= 0.5,
      sightThreateningProbability: probabilities[3]! + probabilities[4]!,
      operatingPoint: { name: 'balanced', threshold: 0.5 },
    },
    quality: { gradable: true, score: 0.87, category: 'good', reasons: ['uneven_illumination'], metrics: {} },
    fov: truth.fov,
    landmarks: {
      opticDisc: { ...truth.opticDisc, confidence: 0.9 },
      fovea: { ...truth.fovea, confidence: 0.8 },
      laterality: truth.laterality,
    },
    lesions: truth.lesions.map((l) => ({ ...l, score: 0.9 })),
    provenance: {
      model: { name: 'drgrade-test', version: '0.0.1', sha256: 'ab'.repeat(32) },
      executionProvider: 'cpu',
      analysisVersion: '0.1.0',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
    timingsMs: { total: 321 },
  };
  return { fundus, result };
}

/** A result for a photograph that was not gradable. */
export const ungradableResult: GradeResult = {
  status: 'ungradable',
  disclaimer: researchDisclaimer,
  grading: null,
  quality: { gradable: false, score: 0.1, category: 'ungradable', reasons: ['not_a_fundus', 'too_dark'], metrics: {} },
  fov: null,
  landmarks: { opticDisc: null, fovea: null, laterality: null },
  lesions: [],
  provenance: { model: null, executionProvider: null, analysisVersion: '0.1.0', createdAt: '2026-01-01T00:00:00.000Z' },
  timingsMs: { total: 12 },
};

/** A result for a file that could not be decoded. The message carries markup and a script end tag on purpose. */
export const rejectedResult: GradeResult = {
  ...ungradableResult,
  status: 'rejected',
  quality: null,
  landmarks: null,
  error: { code: 'UNSUPPORTED_FORMAT', message: 'Expected JPEG, PNG, TIFF or WebP for image but received "<svg></script>"' },
};
