import type { DmeRisk } from '../lesions/dmeRisk.js';
import type { FieldOfView, Landmarks, Lesion, Quality } from '../analysis/AnalysisResult.js';
import type { DicomSource } from '../dicom/DicomSource.js';
import type { IcdrGrade } from './gradeTable.js';

/** The research-use disclaimer carried by every output. */
export const researchDisclaimer =
  'Research use only. Not a medical device; not for clinical diagnosis or treatment decisions.';

/** Outcome of one photograph. */
export type GradeStatus = 'graded' | 'ungradable' | 'rejected';

/** The model's verdict. */
export interface Grading {
  readonly grade: IcdrGrade;
  readonly label: string;
  /** Calibrated probabilities of grades 0–4 (sum 1). */
  readonly probabilities: number[];
  readonly referable: boolean;
  readonly referableProbability: number;
  readonly sightThreatening: boolean;
  readonly sightThreateningProbability: number;
  /** The referable operating point used for the `referable` decision. */
  readonly operatingPoint: { readonly name: string; readonly threshold: number };
  /** How much the grade's two views disagree (present when the lesion-based grade joined the CNN). */
  readonly uncertainty?: { readonly referableSpread: number; readonly method: string };
  /** Which model the probabilities come from when not the CNN alone. */
  readonly combination?: string;
  /** Present when the CNN's probabilities are a test-time-augmentation average: `'dihedral8'` (8 flips and rotations). */
  readonly testTimeAugmentation?: string;
}

/** Provenance of a result. */
export interface Provenance {
  readonly model: { readonly name: string; readonly version: string; readonly sha256: string } | null;
  readonly executionProvider: string | null;
  readonly analysisVersion: string;
  readonly createdAt: string;
  /** Source blob facts when graded from storage (ETag, content hash); never the name. */
  readonly source?: Record<string, string | number>;
  /** The learned lesion stage's model, when it ran. */
  readonly lesionModel?: { readonly name: string; readonly version: string; readonly sha256: string } | null;
  /** The landmark model, when it ran. */
  readonly landmarkModel?: { readonly name: string; readonly version: string; readonly sha256: string } | null;
}

/** The result JSON (`<stem>.result.json`, the HTTP 200 body, the blob trigger's output). */
export interface GradeResult {
  readonly status: GradeStatus;
  readonly disclaimer: string;
  readonly grading: Grading | null;
  readonly quality: Quality | null;
  readonly fov: FieldOfView | null;
  readonly landmarks: Landmarks | null;
  readonly lesions: Lesion[];
  /** Risk of diabetic macular oedema (IDRiD's scale) from the exudates and the fovea; null when not assessed. */
  readonly dme?: DmeRisk | null;
  readonly provenance: Provenance;
  /** What the source file said about itself: for DICOM, its UIDs, laterality and camera (identifiers hashed). */
  readonly source?: { readonly dicom: DicomSource };
  readonly timingsMs: Record<string, number>;
  readonly error?: { readonly code: string; readonly message: string };
}
