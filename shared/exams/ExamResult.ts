import type { GradeResult } from '../grading/GradeResult.js';
import type { IcdrGrade } from '../grading/gradeTable.js';

/** One eye. */
export type Eye = 'left' | 'right';

/** Both eyes, in the order reports list them. */
export const eyes: readonly Eye[] = ['right', 'left'];

/** How photographs were grouped into an exam. */
export type ExamGrouping = 'sidecar' | 'path' | 'dicom';

/** One graded photograph as an exam sees it. */
export interface ExamPhotograph {
  /** Output stem relative to the output folder (e.g. `site1/p01/left/field1`); names the result files. */
  readonly stem: string;
  readonly result: GradeResult;
  /** The eye, as stated by the sidecar, the path or the DICOM file; `null` when nobody says. */
  readonly eye: Eye | null;
}

/** What to do next. `refer`: referable DR; `re-image`: an eye has no gradable photograph; `rescreen`: routine. */
export type Recommendation = 'refer' | 're-image' | 'rescreen';

/** The decision for one eye. */
export interface EyeResult {
  /** `missing`: no photograph of this eye in the exam. */
  readonly status: 'graded' | 'ungradable' | 'missing';
  /** ICDR grade from the best-quality gradable photographs (the worst among equally good ones). */
  readonly grade: IcdrGrade | null;
  readonly label: string | null;
  readonly referable: boolean | null;
  readonly sightThreatening: boolean | null;
  /** Worst IDRiD DME risk across the eye's gradable fields; `null` when none was assessed. */
  readonly dmeRisk: 0 | 1 | 2 | null;
  /** Quality category of the photographs used. */
  readonly qualityCategory: string | null;
  /** Stems of the photographs the decision used (all of the eye's photographs when none was gradable). */
  readonly photographs: readonly string[];
  /** Every photograph of the eye with its status, for audit. */
  readonly fields: readonly { readonly stem: string; readonly status: GradeResult['status']; readonly qualityScore: number | null; readonly grade: IcdrGrade | null }[];
  readonly recommendation: Recommendation;
}

/** `exam.result.json`. Identifiers only as salted hashes; the study UIDs to file the report. */
export interface ExamResult {
  readonly disclaimer: string;
  readonly exam: {
    /** `graded` when both eyes have a gradable photograph. */
    readonly status: 'graded' | 'ungradable';
    /** True when either eye is referable. */
    readonly referable: boolean;
    readonly sightThreatening: boolean;
    readonly recommendation: Recommendation;
    readonly site: string;
    readonly patientIdHash: string | null;
    readonly grouping: ExamGrouping;
    readonly studyInstanceUids: readonly string[];
    readonly photographCount: number;
  };
  readonly eyes: { readonly left: EyeResult; readonly right: EyeResult };
  /** Stems of photographs whose eye nobody stated (not used for either eye). */
  readonly unassigned: readonly string[];
  readonly provenance: {
    readonly model: { readonly name: string; readonly version: string; readonly sha256: string } | null;
    /** The latest `createdAt` of the photographs' results (so the same results give the same file). */
    readonly createdAt: string;
  };
}
