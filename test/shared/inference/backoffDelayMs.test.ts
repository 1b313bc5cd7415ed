import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../shared/inference/backoffDelayMs.js';

describe('backoffDelayMs', () => {
  it('draws uniformly below an exponentially growing, capped ceiling (full jitter)', () => {
    const top = (attempt: number) => backoffDelayMs(attempt, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 10].map((a) => Math.round(top(a)))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelayMs(3, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 })).toBe(0);
    expect(backoffDelayMs(2, { baseDelayMs: 100, random: () => 0.5 })).toBe(200);
  });
});
