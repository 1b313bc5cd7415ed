/**
 * Risk of diabetic macular oedema as IDRiD grades it (Porwal et al., Data 3(3):25, 2018): 0 no hard exudates;
 * 1 hard exudates, none within one disc diameter of the fovea centre; 2 hard exudates within one disc diameter.
 */
export interface DmeRisk {
  readonly risk: 0 | 1 | 2;
  /** Distance from the fovea centre to the nearest exudate's edge in disc diameters; `null` without exudates. */
  readonly nearestExudateDiscDiameters: number | null;
}

/**
 * Applies the rule to exudates (any coordinates, one frame) given the fovea and the disc diameter in the same frame.
 * A distance is measured to an exudate's edge (centre distance minus its radius, at least 0). Without a fovea or a
 * disc the distance is unknown, so exudates count as risk 1 only when `null` is not acceptable: the result is then
 * `null` (not assessed).
 */
export function dmeRisk(exudates: readonly { x: number; y: number; radius: number }[], fovea: { x: number; y: number } | null, discDiameter: number | null): DmeRisk | null {
  if (exudates.length === 0) return { risk: 0, nearestExudateDiscDiameters: null };
  if (!fovea || !discDiameter || !(discDiameter > 0)) return null;
  let nearest = Infinity;
  for (const e of exudates) nearest = Math.min(nearest, Math.max(0, Math.hypot(e.x - fovea.x, e.y - fovea.y) - e.radius));
  const dd = nearest / discDiameter;
  return { risk: dd <= 1 ? 2 : 1, nearestExudateDiscDiameters: Math.round(dd * 1000) / 1000 };
}
