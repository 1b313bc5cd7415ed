/**
 * Options of the FRST candidate generator ({@link detectLesions}): dark FRST centres (red lesions) and bright ones
 * (exudates) on a normalised, background-flattened green channel. Distances are at a 1024 px retina and scaled by
 * `scale`.
 */
export interface DetectLesionsOptions {
  /** Scale of the normalised image relative to a 1024 px retina (distances below are at 1024 px). @default 1 */
  scale?: number;
  /** FRST radii at 1024 px. @default [1, 2, 3, 4, 5, 6, 7, 8] */
  radii?: readonly number[];
  /** Optic disc (normalised pixels); candidates inside 1.2 disc radii are dropped. */
  disc?: { x: number; y: number; radius: number } | null;
  /** Fovea (normalised pixels). */
  fovea?: { x: number; y: number } | null;
  /** Keep candidates within this many disc diameters of the fovea; `null` = whole retina. @default 2 */
  maculaDiscDiameters?: number | null;
  /** Minimum distance between kept candidates of one kind, px at 1024. @default 6 */
  minDistancePx?: number;
  /** Most candidates kept per kind (highest scores first). @default 300 */
  maxCandidates?: number;
  /** Lowest symmetry probability kept. @default 0.25 */
  minScore?: number;
  /** Largest microaneurysm radius, px at 1024. @default 3.5 */
  maxMicroaneurysmRadiusPx?: number;
  /** Lowest relative contrast of a candidate against its surround. @default 0.03 */
  minContrast?: number;
  /** Noise-relative contrast (in σ of the image noise) mapped to score factors 0 and 1. @default [8, 32] */
  contrastRampSigma?: readonly [number, number];
  /** Highest lineness (1 = vessel-like) of a dark candidate. @default 0.45 */
  maxLineness?: number;
  /** Attach each candidate's measurements (`features`) and skip regrouping (tuning and evaluation). @default false */
  collectFeatures?: boolean;
  /** Candidates of one kind closer than this (px at 1024) in a high-entropy region are regrouped. @default 10 */
  groupDistancePx?: number;
}

/** {@link DetectLesionsOptions} with every default filled in and distances already scaled (normalised pixels). */
export interface ResolvedDetectOptions {
  readonly scale: number;
  /** FRST radii in normalised pixels (rounded, distinct). */
  readonly radii: readonly number[];
  readonly disc: { x: number; y: number; radius: number } | null;
  readonly fovea: { x: number; y: number } | null;
  readonly maculaDiscDiameters: number | null;
  readonly minDistancePx: number;
  readonly maxCandidates: number;
  readonly minScore: number;
  readonly maxMicroaneurysmRadiusPx: number;
  readonly minContrast: number;
  readonly contrastRampSigma: readonly [number, number];
  readonly maxLineness: number;
  readonly collectFeatures: boolean;
  readonly groupDistancePx: number;
}

/** Resolves the options once: defaults, and distances scaled from the 1024 px retina to the normalised image. */
export function resolveDetectOptions(options: DetectLesionsOptions = {}): ResolvedDetectOptions {
  const scale = options.scale ?? 1;
  return {
    scale,
    radii: [...new Set((options.radii ?? [1, 2, 3, 4, 5, 6, 7, 8]).map((r) => Math.max(1, Math.round(r * scale))))],
    disc: options.disc ?? null,
    fovea: options.fovea ?? null,
    maculaDiscDiameters: options.maculaDiscDiameters === undefined ? 2 : options.maculaDiscDiameters,
    minDistancePx: (options.minDistancePx ?? 6) * scale,
    maxCandidates: options.maxCandidates ?? 300,
    minScore: options.minScore ?? 0.25,
    maxMicroaneurysmRadiusPx: (options.maxMicroaneurysmRadiusPx ?? 3.5) * scale,
    minContrast: options.minContrast ?? 0.03,
    contrastRampSigma: options.contrastRampSigma ?? [8, 32],
    maxLineness: options.maxLineness ?? 0.45,
    collectFeatures: options.collectFeatures ?? false,
    groupDistancePx: (options.groupDistancePx ?? 10) * scale,
  };
}
