import { describe, expect, it } from 'vitest';
import { fitMultinomialLogistic, predictMultinomialLogistic } from '../../../shared/grading/multinomialLogistic.js';

/** Seeded uniform numbers. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a * 1664525 + 1013904223) >>> 0; return a / 4294967296; };
}

describe('multinomialLogistic', () => {
  it('recovers the class boundaries of data drawn from a known three-class model', () => {
    const r = rng(4);
    const x: number[][] = [], y: number[] = [];
    for (let i = 0; i < 600; i++) {
      const a = r() * 4 - 2, b = r() * 4 - 2;
      // True logits: class 1 = 2a, class 2 = 2b, class 0 = 0.
      const l = [0, 2 * a, 2 * b], m = Math.max(...l), e = l.map((v) => Math.exp(v - m)), s = e.reduce((p, q) => p + q, 0);
      const u = r();
      y.push(u < e[0]! / s ? 0 : u < (e[0]! + e[1]!) / s ? 1 : 2);
      x.push([a, b]);
    }
    const model = fitMultinomialLogistic(x, y, 3, ['a', 'b'], { l2: 0 });
    // Differences of logits are identifiable: class 1 − class 0 ≈ 2a, class 2 − class 0 ≈ 2b.
    const w = model.weights, sa = model.std[0]!, sb = model.std[1]!;
    expect((w[1]![0]! - w[0]![0]!) / sa).toBeCloseTo(2, 0);
    expect((w[2]![1]! - w[0]![1]!) / sb).toBeCloseTo(2, 0);
    expect(Math.abs((w[1]![1]! - w[0]![1]!) / sb)).toBeLessThan(0.4);
    const p = predictMultinomialLogistic(model, [1.5, -1.5]);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(p[1]).toBeGreaterThan(0.8);
  });

  it('shrinks weights towards zero with a larger L2 penalty', () => {
    const x = [[0], [1], [2], [3]], y = [0, 0, 1, 1];
    const loose = fitMultinomialLogistic(x, y, 2, ['v'], { l2: 0.001 });
    const tight = fitMultinomialLogistic(x, y, 2, ['v'], { l2: 1 });
    expect(Math.abs(tight.weights[1]![0]! - tight.weights[0]![0]!)).toBeLessThan(Math.abs(loose.weights[1]![0]! - loose.weights[0]![0]!));
  });

  it('refuses rows of the wrong width', () => {
    expect(() => fitMultinomialLogistic([[1, 2]], [0], 2, ['a'])).toThrow(/features/);
    const m = fitMultinomialLogistic([[0], [1]], [0, 1], 2, ['a']);
    expect(() => predictMultinomialLogistic(m, [1, 2])).toThrow(/Expected 1 features/);
  });
});
