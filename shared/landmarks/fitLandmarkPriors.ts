import type { LandmarkPriors } from './LandmarkPriors.js';

/** One labelled photograph: expert disc and fovea centres and the fitted FOV circle, all in the same pixels. */
export interface LandmarkPriorSample {
  readonly disc: { x: number; y: number };
  readonly fovea: { x: number; y: number };
  readonly fov: { cx: number; cy: number; radius: number };
  /**
   * The disc the landmark code found and the radius within which it counts as right. Where given and right, the
   * fovea's distance and slope are measured from it, since the fovea search starts from the found disc; else from
   * the expert disc.
   */
  readonly detected?: { readonly disc: { x: number; y: number } | null; readonly discRadiusPx: number };
}

/** Mean and standard deviation. */
export interface MeanSd {
  readonly mean: number;
  readonly sd: number;
}

/** The priors findLandmarks uses, fitted on labelled photographs ({@link landmarkPriorsOf} turns them into the file). */
export interface FittedLandmarkPriors {
  readonly samples: number;
  /** |disc x − FOV centre| in FOV radii (discPosition.radialOffset / radialOffsetSd). */
  readonly discRadialOffset: MeanSd;
  /** disc y − FOV centre in FOV radii, image y down (discPosition.verticalOffset / verticalOffsetSd). */
  readonly discVerticalOffset: MeanSd;
  /** Disc (found where right, else expert) – fovea distance in disc diameters of `discToFovRatio` × the FOV diameter (fovea.distance / distanceSd). */
  readonly foveaDistanceDiscDiameters: MeanSd;
  /** (fovea y − disc y) / |fovea x − disc x| (fovea.slope / slopeSd). */
  readonly foveaSlope: MeanSd;
}

/**
 * Fits the disc-position and fovea priors from expert positions (means and population standard deviations, rounded
 * to 4 decimals); the fovea from the found disc where it was right (see {@link LandmarkPriorSample.detected}). `drgrade eval-landmarks --fit-priors --write models/landmarks/priors.json` fits them on the IDRiD
 * training labels and writes the file the landmark code reads (shippedLandmarkPriors.ts).
 */
export function fitLandmarkPriors(samples: readonly LandmarkPriorSample[], discToFovRatio = 0.152): FittedLandmarkPriors {
  const radial: number[] = [], vertical: number[] = [], distance: number[] = [], slope: number[] = [];
  for (const s of samples) {
    radial.push(Math.abs(s.disc.x - s.fov.cx) / s.fov.radius);
    vertical.push((s.disc.y - s.fov.cy) / s.fov.radius);
    const found = s.detected?.disc;
    const from = found && Math.hypot(found.x - s.disc.x, found.y - s.disc.y) <= s.detected!.discRadiusPx ? found : s.disc;
    distance.push(Math.hypot(s.fovea.x - from.x, s.fovea.y - from.y) / (discToFovRatio * 2 * s.fov.radius));
    const dx = Math.abs(s.fovea.x - from.x);
    if (dx > 0) slope.push((s.fovea.y - from.y) / dx);
  }
  return { samples: samples.length, discRadialOffset: meanSd(radial), discVerticalOffset: meanSd(vertical), foveaDistanceDiscDiameters: meanSd(distance), foveaSlope: meanSd(slope) };
}

function meanSd(values: number[]): MeanSd {
  if (values.length === 0) return { mean: NaN, sd: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  return { mean: r4(mean), sd: r4(Math.sqrt(variance)) };
}

/** What is recorded with fitted priors about their fit. */
export interface LandmarkPriorFitInfo {
  /** The command that wrote the file. */
  readonly command: string;
  /** The labelled photographs, in words (no identifiers). */
  readonly dataset: string;
  /** The disc-to-FOV diameter ratio the fovea distance is measured in. @default 0.152 */
  readonly discToFovRatio?: number;
}

/** The priors file's content (models/landmarks/priors.json) from fitted priors and how they were fitted. */
export function landmarkPriorsOf(fitted: FittedLandmarkPriors, info: LandmarkPriorFitInfo): LandmarkPriors {
  return {
    discPosition: {
      radialOffset: fitted.discRadialOffset.mean, radialOffsetSd: fitted.discRadialOffset.sd,
      verticalOffset: fitted.discVerticalOffset.mean, verticalOffsetSd: fitted.discVerticalOffset.sd,
    },
    fovea: {
      distance: fitted.foveaDistanceDiscDiameters.mean, distanceSd: fitted.foveaDistanceDiscDiameters.sd,
      slope: fitted.foveaSlope.mean, slopeSd: fitted.foveaSlope.sd,
    },
    fit: { command: info.command, samples: fitted.samples, dataset: info.dataset, discToFovRatio: info.discToFovRatio ?? 0.152 },
  };
}
