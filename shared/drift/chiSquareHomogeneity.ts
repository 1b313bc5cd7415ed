/**
 * Chi-square test that two count vectors over the same categories come from one distribution (a 2×k
 * contingency table; categories empty in both are dropped). The p-value is the upper tail of χ² with k−1
 * degrees of freedom (regularised incomplete gamma, series and continued fraction as in Numerical Recipes §6.2).
 */
export function chiSquareHomogeneity(a: readonly number[], b: readonly number[]): { statistic: number; degreesOfFreedom: number; pValue: number } {
  const cols = a.map((v, i) => [v, b[i] ?? 0] as const).filter(([x, y]) => x + y > 0);
  const na = cols.reduce((s, [x]) => s + x, 0);
  const nb = cols.reduce((s, [, y]) => s + y, 0);
  const n = na + nb;
  if (cols.length < 2 || na === 0 || nb === 0) return { statistic: 0, degreesOfFreedom: Math.max(0, cols.length - 1), pValue: 1 };
  let chi = 0;
  for (const [x, y] of cols) {
    const total = x + y;
    const ea = (total * na) / n, eb = (total * nb) / n;
    chi += (x - ea) ** 2 / ea + (y - eb) ** 2 / eb;
  }
  const df = cols.length - 1;
  return { statistic: chi, degreesOfFreedom: df, pValue: upperIncompleteGammaQ(df / 2, chi / 2) };
}

/** Q(a, x) = Γ(a, x) / Γ(a). */
function upperIncompleteGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a, term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-14) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPrefix));
  }
  // Lentz's continued fraction.
  let b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c; if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return Math.min(1, Math.exp(lnPrefix) * h);
}

/** ln Γ(z) by the Lanczos approximation (g = 7, n = 9). */
function logGamma(z: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}
