import type { GradeResult } from '../grading/GradeResult.js';

/**
 * The IDRiD DME risk (0, 1 or 2) a result carries in its `dme` key, or `null` when the result has none (an older
 * result, or not assessed). Read structurally so results written before the key existed still convert.
 */
export function dmeRiskOfResult(result: GradeResult): 0 | 1 | 2 | null {
  const dme: unknown = (result as { dme?: unknown }).dme;
  if (typeof dme !== 'object' || dme === null) return null;
  const risk = (dme as { risk?: unknown }).risk;
  return risk === 0 || risk === 1 || risk === 2 ? risk : null;
}
