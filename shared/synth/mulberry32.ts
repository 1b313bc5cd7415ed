/**
 * A small, fast, seeded 32-bit pseudo-random generator (Tommy Ettinger's "Mulberry32", public-domain algorithm).
 * Not cryptographic: it exists so synthetic photographs, bootstrap resamples and tests are reproducible from a seed.
 *
 * @param seed Any number; only its low 32 bits matter.
 * @returns A function returning uniform floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
