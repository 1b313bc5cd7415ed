import type { AnalysisResult } from '../analysis/AnalysisResult.js';
import { invalidArgument } from '../errors.js';

/** Expert landmark positions of one photograph, in its file pixels. */
export interface LandmarkTruth {
  readonly disc: { x: number; y: number };
  readonly fovea: { x: number; y: number };
  /** The "within one disc radius" criterion, in the same pixels. */
  readonly discRadiusPx: number;
  /** False when the fovea lies outside the photographed field (its error is then not counted). @default true */
  readonly foveaInField?: boolean;
}

/** Counts, median and mean error and the within-one-disc-radius rate of one landmark. */
export interface LandmarkErrorStats {
  readonly images: number;
  readonly medianErrorPx: number | null;
  readonly meanErrorPx: number | null;
  readonly withinDiscRadius: number;
}

/** What {@link LandmarkErrorTally.summary} reports. */
export interface LandmarkErrorSummary {
  readonly images: number;
  /** Photographs that could not be decoded. */
  readonly failures: number;
  readonly ungradable: number;
  /** Photographs refused as not a fundus photograph (a subset of the ungradable). */
  readonly notAFundus: number;
  readonly opticDisc: LandmarkErrorStats;
  readonly fovea: LandmarkErrorStats;
  readonly laterality: { readonly agreement: number };
}

/** Reads the landmark columns of a labels row (`od_x`, `od_y`, `fovea_x`, `fovea_y`); throws when one is not a number. */
export function landmarkTruthOf(row: Record<string, string>, what: string, discRadiusPx: number): LandmarkTruth {
  const num = (k: string) => {
    const v = Number(row[k]);
    if (row[k] === undefined || row[k] === '' || !Number.isFinite(v)) throw invalidArgument(`${k} of ${what}`, 'a number', row[k]);
    return v;
  };
  return { disc: { x: num('od_x'), y: num('od_y') }, fovea: { x: num('fovea_x'), y: num('fovea_y') }, discRadiusPx };
}

/**
 * Accumulates optic disc and fovea errors of analysed photographs against expert positions (a missing landmark or
 * a failed decode counts as an infinite error), and the ungradable and not-a-fundus counts.
 */
export class LandmarkErrorTally {
  readonly #discErrors: number[] = [];
  readonly #foveaErrors: number[] = [];
  #images = 0;
  #failures = 0;
  #ungradable = 0;
  #notAFundus = 0;
  #discWithin = 0;
  #foveaWithin = 0;
  #lateralityAgree = 0;

  /** Adds one analysed photograph. */
  add(result: Pick<AnalysisResult, 'quality' | 'landmarks'>, truth: LandmarkTruth): void {
    this.#images++;
    if (!result.quality.gradable) this.#ungradable++;
    if (result.quality.reasons.includes('not_a_fundus')) this.#notAFundus++;
    const od = result.landmarks.opticDisc, fv = result.landmarks.fovea;
    const discError = od ? Math.hypot(od.x - truth.disc.x, od.y - truth.disc.y) : Infinity;
    this.#discErrors.push(discError);
    if (discError < truth.discRadiusPx) this.#discWithin++;
    if (truth.foveaInField ?? true) {
      const foveaError = fv ? Math.hypot(fv.x - truth.fovea.x, fv.y - truth.fovea.y) : Infinity;
      this.#foveaErrors.push(foveaError);
      if (foveaError < truth.discRadiusPx) this.#foveaWithin++;
    }
    if (result.landmarks.laterality === (truth.disc.x > truth.fovea.x ? 'right' : 'left')) this.#lateralityAgree++;
  }

  /** Adds a photograph that could not be decoded. */
  addFailure(truth: LandmarkTruth): void {
    this.#images++;
    this.#failures++;
    this.#discErrors.push(Infinity);
    if (truth.foveaInField ?? true) this.#foveaErrors.push(Infinity);
  }

  /** The figures so far (errors rounded to 0.001 px, rates to 0.001). */
  summary(): LandmarkErrorSummary {
    const n = this.#images;
    return {
      images: n,
      failures: this.#failures,
      ungradable: this.#ungradable,
      notAFundus: this.#notAFundus,
      opticDisc: stats(this.#discErrors, this.#discWithin),
      fovea: stats(this.#foveaErrors, this.#foveaWithin),
      laterality: { agreement: r3(n ? this.#lateralityAgree / n : 0) },
    };
  }
}

function stats(errors: number[], within: number): LandmarkErrorStats {
  const sorted = [...errors].sort((a, b) => a - b);
  const finite = errors.filter(Number.isFinite);
  const median = sorted.length ? sorted[sorted.length >> 1]! : null;
  const mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
  return { images: errors.length, medianErrorPx: r3(median), meanErrorPx: r3(mean), withinDiscRadius: r3(errors.length ? within / errors.length : 0) };
}

function r3(v: number): number;
function r3(v: number | null): number | null;
function r3(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? v : Math.round(v * 1000) / 1000;
}
