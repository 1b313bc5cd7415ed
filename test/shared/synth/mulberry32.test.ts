import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../shared/synth/mulberry32.js';

describe('mulberry32', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const c = mulberry32(124);
    const sa = Array.from({ length: 8 }, a);
    expect(Array.from({ length: 8 }, b)).toEqual(sa);
    expect(Array.from({ length: 8 }, c)).not.toEqual(sa);
  });

  it('returns uniform values in [0, 1)', () => {
    const random = mulberry32(7);
    const bins = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = random();
      if (!(v >= 0 && v < 1)) outOfRange++;
      else bins[Math.floor(v * 10)]!++;
    }
    expect(outOfRange).toBe(0);
    for (const count of bins) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});
