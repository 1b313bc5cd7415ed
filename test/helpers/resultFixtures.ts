import type { DicomSource } from '../../shared/dicom/DicomSource.js';
import { decide } from '../../shared/pipeline/gradePhotograph.js';
import { researchDisclaimer, type GradeResult } from '../../shared/grading/GradeResult.js';
import type { IcdrGrade } from '../../shared/grading/gradeTable.js';
import type { QualityCategory } from '../../shared/analysis/AnalysisResult.js';

const manifest = { operatingPoints: { default: 'balanced', referable: [{ name: 'balanced', threshold: 0.5 }] } } as const;

/** What a fixture result looks like. */
export interface ResultFixtureOptions {
  status?: 'graded' | 'ungradable' | 'rejected';
  /** Peak of the probabilities when graded. @default 0 */
  grade?: IcdrGrade;
  /** @default 0.8 (graded), 0.1 (ungradable) */
  qualityScore?: number;
  /** @default from the score */
  category?: QualityCategory;
  dicom?: Partial<DicomSource> | null;
  /** IDRiD DME risk in the result's `dme` key. @default absent */
  dmeRisk?: 0 | 1 | 2;
  /** @default '2026-01-02T03:04:05.000Z' */
  createdAt?: string;
  /** Mean RGB recorded in the quality metrics (drift inputs). */
  meanRgb?: [number, number, number];
  /** Source size in pixels. */
  size?: { width: number; height: number };
}

/** A result JSON as the pipeline writes it, built directly (no analysis), for FHIR, exam and drift tests. */
export function resultFixture(options: ResultFixtureOptions = {}): GradeResult {
  const status = options.status ?? 'graded';
  const grade = options.grade ?? 0;
  const probabilities = [0, 1, 2, 3, 4].map((g) => (g === grade ? 0.8 : 0.05));
  const score = options.qualityScore ?? (status === 'graded' ? 0.8 : 0.1);
  const category: QualityCategory = options.category ?? (status !== 'graded' ? 'ungradable' : score >= 0.8 ? 'excellent' : score >= 0.6 ? 'good' : 'adequate');
  const metrics: Record<string, number> = {};
  if (options.meanRgb) { metrics.meanR = options.meanRgb[0]; metrics.meanG = options.meanRgb[1]; metrics.meanB = options.meanRgb[2]; }
  if (options.size) { metrics.sourceWidth = options.size.width; metrics.sourceHeight = options.size.height; }
  const dicom: DicomSource | null = options.dicom ? {
    sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.5.1', transferSyntaxUid: '1.2.840.10008.1.2.1', laterality: null,
    studyInstanceUid: '1.2.3.4', seriesInstanceUid: '1.2.3.4.1', sopInstanceUid: '1.2.3.4.1.1', manufacturer: 'Acme',
    model: 'FundusCam', acquisitionDateTime: '2024-03-15T09:30:12', patientIdHash: '0123456789abcdef', ...options.dicom,
  } : null;
  return {
    status,
    disclaimer: researchDisclaimer,
    grading: status === 'graded' ? decide(probabilities, manifest) : null,
    quality: status === 'rejected' ? null : { gradable: status === 'graded', score, category, reasons: status === 'graded' ? [] : ['out_of_focus'], metrics },
    fov: null,
    landmarks: status === 'rejected' ? null : { opticDisc: null, fovea: null, laterality: null },
    lesions: [],
    provenance: {
      model: { name: 'drgrade-test', version: '0.0.1', sha256: 'ab'.repeat(32) },
      executionProvider: 'cpu',
      analysisVersion: '0.1.0',
      createdAt: options.createdAt ?? '2026-01-02T03:04:05.000Z',
    },
    ...(dicom ? { source: { dicom } } : {}),
    ...(options.dmeRisk !== undefined ? { dme: { risk: options.dmeRisk, nearestExudateDiscDiameters: null } } : {}),
    timingsMs: {},
    ...(status === 'rejected' ? { error: { code: 'DICOM_UNSUPPORTED_TRANSFER_SYNTAX', message: 'Expected … but received JPEG 2000' } } : {}),
  } as GradeResult;
}
