import { describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { calibrate } from '../../../shared/grading/calibrate.js';

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('calibrate', () => {
  it('is the softmax of the logits when T = 1', () => {
    const p = calibrate([0, Math.log(2), Math.log(3), Math.log(4), 0], { kind: 'logits', method: 'temperature', temperature: 1 });
    expect(p.map((v) => v * 11)).toEqual([1, 2, 3, 4, 1].map((v) => expect.closeTo(v, 12)));
  });

  it('divides logits by the temperature', () => {
    const logits = [2, 0, -1, 0.5, 1];
    const hot = calibrate(logits, { kind: 'logits', method: 'temperature', temperature: 2 });
    const halved = calibrate(logits.map((z) => z / 2), { kind: 'logits', method: 'none', temperature: 1 });
    expect(hot).toEqual(halved.map((v) => expect.closeTo(v, 14)));
    // A temperature above 1 flattens the distribution.
    expect(Math.max(...hot)).toBeLessThan(Math.max(...calibrate(logits, { kind: 'logits', method: 'none', temperature: 1 })));
  });

  it('ignores the temperature when the method is none', () => {
    const a = calibrate([1, 2, 3, 4, 5], { kind: 'logits', method: 'none', temperature: 7 });
    const b = calibrate([1, 2, 3, 4, 5], { kind: 'logits', method: 'none', temperature: 1 });
    expect(a).toEqual(b);
  });

  it('does not overflow on large logits', () => {
    const p = calibrate([1000, 999, 0, 0, 0], { kind: 'logits', method: 'temperature', temperature: 1 });
    expect(p[0]! / p[1]!).toBeCloseTo(Math.E, 10);
    expect(sum(p)).toBeCloseTo(1, 14);
  });

  it('renormalises probabilities and clamps negative noise', () => {
    const p = calibrate([0.2, 0.2, 0.4, 0.2, -1e-9], { kind: 'probabilities', method: 'none', temperature: 1 });
    expect(p).toEqual([0.2 / 1.0, 0.2, 0.4, 0.2, 0].map((v) => expect.closeTo(v, 12)));
  });

  it('applies the temperature to probabilities as p^(1/T)', () => {
    const p = calibrate([0.5, 0.25, 0.25, 0, 0], { kind: 'probabilities', method: 'temperature', temperature: 0.5 });
    // Squared then renormalised: 0.25, 0.0625, 0.0625 over 0.375.
    expect(p).toEqual([2 / 3, 1 / 6, 1 / 6, 0, 0].map((v) => expect.closeTo(v, 12)));
  });

  it('rejects non-finite values and an all-zero probability row', () => {
    const bad = [
      () => calibrate([0, Number.NaN], { kind: 'logits', method: 'none', temperature: 1 }),
      () => calibrate([0, 0, 0], { kind: 'probabilities', method: 'none', temperature: 1 }),
      () => calibrate([], { kind: 'logits', method: 'none', temperature: 1 }),
      () => calibrate([1, 2], { kind: 'logits', method: 'temperature', temperature: 0 }),
    ];
    for (const f of bad) {
      let caught: unknown;
      try {
        f();
      } catch (error) {
        caught = error;
      }
      expect(isDrgradeError(caught, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
