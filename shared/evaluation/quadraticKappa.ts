/**
 * Cohen's weighted kappa with quadratic weights w_ij = (i − j)² / (K − 1)² (Cohen, Psychol. Bull. 1968):
 * κ = 1 − Σ w·O / Σ w·E, where O is the observed confusion matrix and E the outer product of its marginals / N.
 *
 * @param confusion Square matrix `confusion[truth][predicted]` (see {@link import('./confusionMatrix.js').confusionMatrix}).
 * @returns κ in [−1, 1], or `NaN` when it is undefined (no cases, or both raters use one single class).
 */
export function quadraticKappa(confusion: readonly (readonly number[])[]): number {
  const k = confusion.length;
  if (k < 2) return Number.NaN;
  const rowSums = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = confusion[0]!.map((_, j) => confusion.reduce((sum, row) => sum + row[j]!, 0));
  const total = rowSums.reduce((a, b) => a + b, 0);
  if (total === 0) return Number.NaN;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = ((i - j) * (i - j)) / ((k - 1) * (k - 1));
      observed += w * confusion[i]![j]!;
      expected += (w * rowSums[i]! * colSums[j]!) / total;
    }
  }
  return expected === 0 ? Number.NaN : 1 - observed / expected;
}
