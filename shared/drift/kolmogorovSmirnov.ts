/**
 * Two-sample Kolmogorov–Smirnov test: D = the largest gap between the two empirical CDFs, and its asymptotic
 * p-value from the Kolmogorov distribution with the effective size n·m/(n+m) and Stephens' small-sample correction
 * (Numerical Recipes, 3rd ed., §14.3.3). Ties are handled by advancing both samples past equal values.
 */
export function kolmogorovSmirnov(a: readonly number[], b: readonly number[]): { statistic: number; pValue: number } {
  if (a.length === 0 || b.length === 0) return { statistic: 0, pValue: 1 };
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0, j = 0, d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const ne = (x.length * y.length) / (x.length + y.length);
  const sqrtNe = Math.sqrt(ne);
  return { statistic: d, pValue: kolmogorovQ((sqrtNe + 0.12 + 0.11 / sqrtNe) * d) };
}

/** Q_KS(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²): the probability that the Kolmogorov statistic exceeds λ. */
function kolmogorovQ(lambda: number): number {
  if (lambda < 1.18) {
    // The alternating series converges slowly for small λ; use the complementary (Jacobi theta) form.
    if (lambda <= 0) return 1;
    const y = Math.exp(-(Math.PI ** 2) / (8 * lambda * lambda));
    const p = (Math.sqrt(2 * Math.PI) / lambda) * (y + y ** 9 + y ** 25 + y ** 49);
    return Math.min(1, Math.max(0, 1 - p));
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
