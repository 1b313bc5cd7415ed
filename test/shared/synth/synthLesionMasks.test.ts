import { describe, expect, it } from 'vitest';
import { synthFundus } from '../../../shared/synth/synthFundus.js';
import { synthLesionMasks } from '../../../shared/synth/synthLesionMasks.js';

describe('synthLesionMasks', () => {
  it('fills each lesion class in its own mask, and nothing else', () => {
    const { image, truth } = synthFundus({ seed: 8, width: 400, grade: 3 });
    const masks = synthLesionMasks(truth, image.width, image.height);
    const at = (mask: { data: Uint8Array }, x: number, y: number) => mask.data[Math.round(y) * image.width + Math.round(x)];
    for (const lesion of truth.lesions) {
      const own = lesion.class === 'microaneurysm' ? masks.MA : lesion.class === 'haemorrhage' ? masks.HE : masks.EX;
      expect(at(own, lesion.x, lesion.y)).toBe(255);
      for (const other of [masks.MA, masks.HE, masks.EX].filter((m) => m !== own)) expect(at(other, lesion.x, lesion.y)).toBe(0);
    }
    const total = (m: { data: Uint8Array }) => m.data.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
    const expectedHe = truth.lesions.filter((l) => l.class === 'haemorrhage').reduce((s, l) => s + Math.PI * l.radius ** 2, 0);
    expect(total(masks.HE) / expectedHe).toBeGreaterThan(0.85);
    expect(total(masks.HE) / expectedHe).toBeLessThan(1.15);
    expect(at(masks.OD, truth.opticDisc.x, truth.opticDisc.y)).toBe(255);
    expect(at(masks.OD, truth.fovea.x, truth.fovea.y)).toBe(0);
  });
});
