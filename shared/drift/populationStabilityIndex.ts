/**
 * Population stability index of an observed distribution against an expected one over the same bins:
 * PSI = Σ (oᵢ − eᵢ) · ln(oᵢ / eᵢ), proportions floored at `epsilon` so empty bins stay finite.
 * Conventional reading: < 0.1 stable, 0.1–0.25 moderate shift, ≥ 0.25 significant shift.
 *
 * @param expected Expected proportions (or counts; normalised here).
 * @param observed Observed proportions or counts, same length.
 * @param epsilon Floor of a proportion. @default 1e-4
 */
export function populationStabilityIndex(expected: readonly number[], observed: readonly number[], epsilon = 1e-4): number {
  if (expected.length !== observed.length || expected.length === 0) {
    throw new Error(`Expected two distributions over the same bins but received ${expected.length} and ${observed.length} bins`);
  }
  const e = normalise(expected);
  const o = normalise(observed);
  let psi = 0;
  for (let i = 0; i < e.length; i++) {
    const ei = Math.max(epsilon, e[i]!);
    const oi = Math.max(epsilon, o[i]!);
    psi += (oi - ei) * Math.log(oi / ei);
  }
  return psi;
}

function normalise(values: readonly number[]): number[] {
  const total = values.reduce((s, v) => s + v, 0);
  return total > 0 ? values.map((v) => v / total) : values.map(() => 0);
}
