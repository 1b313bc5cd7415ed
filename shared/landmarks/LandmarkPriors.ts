import { DrgradeError } from '../errors.js';

/**
 * Where the optic disc lies in a macula-centred photograph, offsets from the FOV centre in FOV radii (image y down):
 * |x| ~ radialOffset ± radialOffsetSd, y ~ verticalOffset ± verticalOffsetSd.
 */
export interface DiscPositionPrior {
  readonly radialOffset: number;
  readonly radialOffsetSd: number;
  readonly verticalOffset: number;
  readonly verticalOffsetSd: number;
}

/** The fovea relative to the disc: distance in disc diameters and slope dy / |dx| (image y down), with spreads. */
export interface FoveaPositionPrior {
  readonly distance: number;
  readonly distanceSd: number;
  readonly slope: number;
  readonly slopeSd: number;
}

/**
 * The fitted landmark priors (`models/landmarks/priors.json`), written by
 * `drgrade eval-landmarks --fit-priors --write <file>` (fitLandmarkPriors.ts) and read by shippedLandmarkPriors.ts.
 */
export interface LandmarkPriors {
  readonly discPosition: DiscPositionPrior;
  readonly fovea: FoveaPositionPrior;
  /** How and on what the numbers were fitted (command, sample count, dataset); not read by the algorithms. */
  readonly fit?: Record<string, unknown>;
}

/**
 * Checks a parsed priors file: every mean a finite number, every spread a positive finite number. Problems are
 * `MODEL_MANIFEST_INVALID`, naming `source` and the field.
 */
export function validateLandmarkPriors(value: unknown, source: string): LandmarkPriors {
  const section = (name: string): Record<string, unknown> => {
    const v = (value as Record<string, unknown> | null)?.[name];
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    throw invalid(source, name, 'an object', v);
  };
  const num = (s: Record<string, unknown>, sectionName: string, field: string, positive: boolean): number => {
    const v = s[field];
    if (typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0)) return v;
    throw invalid(source, `${sectionName}.${field}`, positive ? 'a positive finite number' : 'a finite number', v);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(source, '(root)', 'an object', value);
  const d = section('discPosition'), f = section('fovea');
  const fit = (value as Record<string, unknown>).fit;
  return {
    discPosition: {
      radialOffset: num(d, 'discPosition', 'radialOffset', false), radialOffsetSd: num(d, 'discPosition', 'radialOffsetSd', true),
      verticalOffset: num(d, 'discPosition', 'verticalOffset', false), verticalOffsetSd: num(d, 'discPosition', 'verticalOffsetSd', true),
    },
    fovea: {
      distance: num(f, 'fovea', 'distance', true), distanceSd: num(f, 'fovea', 'distanceSd', true),
      slope: num(f, 'fovea', 'slope', false), slopeSd: num(f, 'fovea', 'slopeSd', true),
    },
    ...(typeof fit === 'object' && fit !== null ? { fit: fit as Record<string, unknown> } : {}),
  };
}

function invalid(source: string, field: string, what: string, received: unknown): DrgradeError {
  return new DrgradeError('MODEL_MANIFEST_INVALID', `Expected ${what} for ${source} ${field} but received ${JSON.stringify(received) ?? String(received)}`, { details: { field } });
}
