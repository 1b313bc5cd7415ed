import { DrgradeError } from '../errors.js';

/**
 * Reporting thresholds of a lesion model (`reporting.json` beside `model.json`), fitted by
 * `drgrade fit-lesion-reporting` (cli/commands/fit-lesion-reporting.ts), which writes the file this reads.
 */
export interface LesionReporting {
  /** Lowest score of a reported and drawn candidate, per kind. */
  readonly minScore: { readonly dark: number; readonly bright: number };
  /** Lowest score of an exudate that counts for the DME rule. */
  readonly dmeExudateMinScore: number;
  /** How and on what the numbers were fitted, with their out-of-fold figures. */
  readonly fit?: Record<string, unknown>;
}

/** Used when a model folder has no `reporting.json` (a freshly trained model before its fit). */
export const unfittedReporting: LesionReporting = { minScore: { dark: 0.5, bright: 0.5 }, dmeExudateMinScore: 0.5 };

/** Checks a parsed `reporting.json`; problems are `MODEL_MANIFEST_INVALID`. */
export function validateLesionReporting(value: unknown): LesionReporting {
  const prob = (v: unknown, field: string): number => {
    if (typeof v === 'number' && v >= 0 && v <= 1) return v;
    throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected a number in [0, 1] for reporting.json ${field} but received ${JSON.stringify(v)}`, { details: { field } });
  };
  const r = (value ?? {}) as { minScore?: { dark?: unknown; bright?: unknown }; dmeExudateMinScore?: unknown; fit?: Record<string, unknown> };
  return {
    minScore: { dark: prob(r.minScore?.dark, 'minScore.dark'), bright: prob(r.minScore?.bright, 'minScore.bright') },
    dmeExudateMinScore: prob(r.dmeExudateMinScore, 'dmeExudateMinScore'),
    ...(r.fit ? { fit: r.fit } : {}),
  };
}
