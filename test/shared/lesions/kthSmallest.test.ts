import { describe, expect, it } from 'vitest';
import { kthSmallest } from '../../../shared/lesions/kthSmallest.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('kthSmallest', () => {
  it('returns what a sorted copy holds at index k, for every k, with ties', () => {
    const rnd = lcg(5);
    for (const n of [1, 2, 7, 64, 501]) {
      const values = Float64Array.from({ length: n }, () => Math.floor(rnd() * 20) / 4);
      const sorted = Float64Array.from(values).sort();
      for (let k = 0; k < n; k++) expect(kthSmallest(Float64Array.from(values), k), `n ${n} k ${k}`).toBe(sorted[k]);
    }
  });
});
