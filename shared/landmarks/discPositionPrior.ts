/**
 * Where the optic disc lies in a macula-centred photograph (the usual DR screening field, and IDRiD's), fitted on
 * the expert disc centres of the 413 IDRiD training photographs: 0.60 ± 0.11 FOV radii left or right of the FOV
 * centre and 0.02 ± 0.105 radii above it (image y down: mean offset −0.02). Re-fit with
 * `drgrade eval-landmarks --fit-priors` (fitLandmarkPriors.ts).
 */
export const macularFieldDiscPosition = { radialOffset: 0.6, radialOffsetSd: 0.11, verticalOffset: -0.02, verticalOffsetSd: 0.105 } as const;

/**
 * The prior's cost of a disc centre at (x, y), offsets from the FOV centre in FOV radii: ½ z_x² + ½ z_y² of
 * {@link macularFieldDiscPosition}, capped at 8 (a disc anywhere else costs the same, however far).
 */
export function discPositionCost(offsetX: number, offsetY: number): number {
  const p = macularFieldDiscPosition;
  const zx = (Math.abs(offsetX) - p.radialOffset) / p.radialOffsetSd;
  const zy = (offsetY - p.verticalOffset) / p.verticalOffsetSd;
  return Math.min(8, 0.5 * zx * zx + 0.5 * zy * zy);
}
