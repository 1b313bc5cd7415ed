import { discPositionCost, type DiscPositionPrior } from './discPositionPrior.js';
import { shippedLandmarkPriors } from './shippedLandmarkPriors.js';

/** One disc candidate as the weighing sees it. */
export interface WeighedDiscCandidate {
  /** Disc evidence (z units; higher is better). Candidates come best-evidence first. */
  readonly evidence: number;
  /** Score of the best fovea searched from it (lower is better), null when none was found. */
  readonly foveaScore: number | null;
  /** Offset from the FOV centre in FOV radii (image y down). */
  readonly offsetX: number;
  readonly offsetY: number;
}

/**
 * Evidence lead (z units) of the best candidate over the second at which the position prior starts to yield, and
 * at which it is silent. On IDRiD's macula-centred photographs the prior decides between candidates (it raised the
 * right choice from 396 to 406 of 413), also against leads of 1–3: yielding from a lead of 1 lost 3 of 402 discs and
 * 2 of 40 in 45° fields. From 3 to 5 it changed none of them, and a disc that stands out by five z units is
 * believed wherever it lies, as in a disc-centred or otherwise aimed photograph.
 */
export const priorYieldsFromLead = 3;
/** See {@link priorYieldsFromLead}. */
export const priorSilentAtLead = 5;

/**
 * Picks the disc among candidates (returns its index; −1 for none): evidence − ½ fovea score (5 without a fovea)
 * − `priorWeight` × yield × the macula-centred position cost, where yield falls linearly from 1 to 0 as the first
 * candidate's evidence leads the second's by {@link priorYieldsFromLead} to {@link priorSilentAtLead}. The first
 * candidate wins ties. `discPosition` @default the shipped prior (shippedLandmarkPriors).
 */
export function weighDiscCandidates(candidates: readonly WeighedDiscCandidate[], priorWeight: number, discPosition: DiscPositionPrior = shippedLandmarkPriors().discPosition): number {
  if (candidates.length === 0) return -1;
  const lead = candidates.length > 1 ? candidates[0]!.evidence - candidates[1]!.evidence : Infinity;
  const yieldFactor = Math.min(1, Math.max(0, (priorSilentAtLead - lead) / (priorSilentAtLead - priorYieldsFromLead)));
  let chosen = -1, chosenTotal = -Infinity;
  candidates.forEach((c, i) => {
    const total = c.evidence - (c.foveaScore === null ? 5 : 0.5 * c.foveaScore) - priorWeight * yieldFactor * discPositionCost(c.offsetX, c.offsetY, discPosition);
    if (chosen < 0 || total > chosenTotal) { chosen = i; chosenTotal = total; }
  });
  return chosen;
}
