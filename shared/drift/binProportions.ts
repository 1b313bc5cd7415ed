/**
 * Counts of `values` in the bins cut by ascending `edges`: bin 0 is (−∞, e₀], bin i is (eᵢ₋₁, eᵢ], the last is
 * (eₖ₋₁, ∞). Returns `edges.length + 1` counts.
 */
export function binCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let lo = 0, hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= edges[mid]!) hi = mid; else lo = mid + 1;
    }
    counts[lo]!++;
  }
  return counts;
}

/** Quantile edges (without duplicates) that cut sorted `values` into `bins` bins of about equal size. */
export function quantileEdges(sortedValues: readonly number[], bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const v = sortedValues[Math.min(sortedValues.length - 1, Math.floor((k * sortedValues.length) / bins))];
    if (v !== undefined && (edges.length === 0 || v > edges[edges.length - 1]!)) edges.push(v);
  }
  return edges;
}
