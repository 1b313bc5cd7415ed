import { invalidArgument } from '../errors.js';

/**
 * Area under the ROC curve as the Mann–Whitney U statistic: the probability that a random positive scores higher
 * than a random negative, ties counting one half (Hanley & McNeil, Radiology 1982; ranks with mid-ranks for ties).
 *
 * @param scores Higher = more likely positive.
 * @param labels `true` for positives, same length as `scores`.
 * @returns AUC in [0, 1], or `NaN` when there are no positives or no negatives.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean>): number {
  if (scores.length !== labels.length) throw invalidArgument('labels', `${scores.length} labels`, labels.length);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && scores[order[end]!]! === scores[order[start]!]!) end++;
    // Ranks are 1-based; every member of a tie group gets the group's mid-rank.
    const midRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (labels[order[k]!]) {
        positives++;
        positiveRankSum += midRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}
