/** One labelled photograph: expert disc and fovea centres and the fitted FOV circle, all in the same pixels. */
export interface LandmarkPriorSample {
  readonly disc: { x: number; y: number };
  readonly fovea: { x: number; y: number };
  readonly fov: { cx: number; cy: number; radius: number };
}

/** Mean and standard deviation. */
export interface MeanSd {
  readonly mean: number;
  readonly sd: number;
}

/** The priors findLandmarks uses, re-fitted on labelled photographs (see discPositionPrior.ts and searchFovea.ts). */
export interface FittedLandmarkPriors {
  readonly samples: number;
  /** |disc x − FOV centre| in FOV radii (macularFieldDiscPosition.radialOffset / radialOffsetSd). */
  readonly discRadialOffset: MeanSd;
  /** disc y − FOV centre in FOV radii, image y down (verticalOffset / verticalOffsetSd). */
  readonly discVerticalOffset: MeanSd;
  /** Disc–fovea distance in disc diameters of `discToFovRatio` × the FOV diameter (idridFoveaPrior.distance / distanceSd). */
  readonly foveaDistanceDiscDiameters: MeanSd;
  /** (fovea y − disc y) / |fovea x − disc x| (idridFoveaPrior.slope / slopeSd). */
  readonly foveaSlope: MeanSd;
}

/**
 * Re-fits the disc-position and fovea priors from expert positions: the numbers shipped in discPositionPrior.ts and
 * searchFovea.ts came from the 413 IDRiD training photographs this way (the fovea distance there was measured from
 * the detected disc where it was right, so it is a little tighter than from the expert disc).
 */
export function fitLandmarkPriors(samples: readonly LandmarkPriorSample[], discToFovRatio = 0.152): FittedLandmarkPriors {
  const radial: number[] = [], vertical: number[] = [], distance: number[] = [], slope: number[] = [];
  for (const s of samples) {
    radial.push(Math.abs(s.disc.x - s.fov.cx) / s.fov.radius);
    vertical.push((s.disc.y - s.fov.cy) / s.fov.radius);
    distance.push(Math.hypot(s.fovea.x - s.disc.x, s.fovea.y - s.disc.y) / (discToFovRatio * 2 * s.fov.radius));
    const dx = Math.abs(s.fovea.x - s.disc.x);
    if (dx > 0) slope.push((s.fovea.y - s.disc.y) / dx);
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
