import type { RgbImage } from '../image/RgbImage.js';
import type { DmeRisk } from '../lesions/dmeRisk.js';
import type { LesionLabel } from '../lesions/lesionClasses.js';
import type { LesionMaps } from '../lesions/LesionModel.js';
import type { LesionSummary } from '../lesions/summariseLesions.js';

/**
 * What the analysis core returns for one photograph. Every coordinate is in SOURCE-image pixels
 * (top-left origin, after EXIF orientation) unless a name says otherwise.
 */

/** Machine-readable quality reason codes. */
export type QualityReason =
  | 'not_a_fundus'
  | 'out_of_focus'
  | 'too_dark'
  | 'overexposed'
  | 'uneven_illumination'
  | 'fov_too_small'
  | 'fov_cut'
  | 'image_too_small'
  | 'low_contrast'
  | 'optic_disc_not_found'
  /** Strong JPEG compression (warning, never blocking): the lesion maps find false microaneurysms on its blocks. */
  | 'heavy_compression';

/** The reference scale's quality categories. */
export type QualityCategory = 'excellent' | 'good' | 'adequate' | 'ungradable';

/** Image quality assessment. */
export interface Quality {
  readonly gradable: boolean;
  /** 0 (unusable) – 1 (excellent). */
  readonly score: number;
  readonly category: QualityCategory;
  /** Reason codes; may be non-empty for a gradable image (warnings). */
  readonly reasons: QualityReason[];
  /** The measurements behind the score. */
  readonly metrics: Record<string, number>;
}

/** The circular field of view, in source pixels. */
export interface FieldOfView {
  readonly cx: number;
  readonly cy: number;
  readonly radius: number;
}

/** Optic disc, in source pixels. */
export interface OpticDisc {
  readonly x: number;
  readonly y: number;
  readonly radius: number;
  /** Detector confidence 0–1. */
  readonly confidence: number;
}

/** Fovea centre, in source pixels. */
export interface Fovea {
  readonly x: number;
  readonly y: number;
  readonly confidence: number;
}

/** Anatomical landmarks. Laterality: right eye when the disc lies right of the fovea in the image. */
export interface Landmarks {
  readonly opticDisc: OpticDisc | null;
  readonly fovea: Fovea | null;
  readonly laterality: 'left' | 'right' | null;
}

/** Lesion candidate class guess (a label of the lesion-class table, shared/lesions/lesionClasses.ts). */
export type LesionClass = LesionLabel;

/** One lesion candidate, in source pixels. */
export interface Lesion {
  readonly kind: 'dark' | 'bright';
  readonly class: LesionClass;
  readonly x: number;
  readonly y: number;
  readonly radius: number;
  /** Detector score 0–1 (higher = more likely a lesion). */
  readonly score: number;
  /** The candidate ranker's features (only when asked for: `keepCandidateFeatures`, fitting the ranker). */
  readonly features?: Readonly<Record<string, number>>;
}

/** Maps normalised-image coordinates to source coordinates: source = normalised * scale + offset. */
export interface NormalisationTransform {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
  /** Size of the normalised image in pixels. */
  readonly normalisedWidth: number;
  readonly normalisedHeight: number;
}

/** The full analysis of one photograph. */
export interface AnalysisResult {
  readonly source: { readonly width: number; readonly height: number; readonly format: string };
  readonly quality: Quality;
  readonly fov: FieldOfView | null;
  readonly landmarks: Landmarks;
  readonly lesions: Lesion[];
  readonly transform: NormalisationTransform | null;
  /** Risk of diabetic macular oedema from the exudates and the fovea (IDRiD's scale); `null` when not assessed. */
  readonly dme: DmeRisk | null;
  /** The learned lesion stage's model, when it ran (provenance). */
  readonly lesionModel: { readonly name: string; readonly version: string; readonly sha256: string } | null;
  /** The landmark model, when it ran (provenance); null when the classical search worked alone. */
  readonly landmarkModel: { readonly name: string; readonly version: string; readonly sha256: string } | null;
  /** The learned stage's burden and counts over the whole retina (what the lesion-based grade reads); null without it. */
  readonly lesionSummary: LesionSummary | null;
  /** Per-class lesion probability maps at the normalised scale (only with `keepLesionMaps`). */
  readonly lesionMaps: LesionMaps | null;
  /** Per-stage wall times in milliseconds (decode, fov, quality, enhance, landmarks, lesions, annotate, total). */
  readonly timingsMs: Record<string, number>;
  /** Images at the normalised scale; `null` when the image was not a usable fundus. */
  readonly images: {
    readonly original: RgbImage;
    readonly enhanced: RgbImage | null;
    readonly annotated: RgbImage | null;
    /** The source photograph (whole, oriented) at most `previewMaxSide` pixels wide; absent or `null` unless asked for and decoded. */
    readonly preview?: RgbImage | null;
  };
}
