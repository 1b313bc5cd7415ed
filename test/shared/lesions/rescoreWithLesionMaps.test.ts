import { describe, expect, it } from 'vitest';
import type { LesionMaps } from '../../../shared/lesions/LesionModel.js';
import { rescoreWithLesionMaps } from '../../../shared/lesions/rescoreWithLesionMaps.js';

/** 20×20 maps at stride 2 over a 40×40 normalised image, all inside the mask. */
function maps(peaks: { code: 'MA' | 'HE' | 'EX' | 'SE'; x: number; y: number; v: number }[]): LesionMaps {
  const m = { MA: new Float32Array(400), HE: new Float32Array(400), EX: new Float32Array(400), SE: new Float32Array(400) };
  for (const p of peaks) m[p.code][p.y * 20 + p.x] = p.v;
  return { width: 20, height: 20, stride: 2, maps: m };
}
const mask = { width: 40, height: 40, data: new Uint8Array(1600).fill(1) };

describe('rescoreWithLesionMaps', () => {
  it('gives an FRST centre the highest probability of its kind within its radius, with that class', () => {
    const out = rescoreWithLesionMaps([{ kind: 'dark', x: 20, y: 20, radius: 2 }], maps([{ code: 'MA', x: 10, y: 10, v: 0.3 }, { code: 'HE', x: 11, y: 10, v: 0.6 }, { code: 'EX', x: 10, y: 10, v: 0.9 }]), mask, { minPeak: 2 });
    expect(out).toEqual([{ kind: 'dark', class: 'haemorrhage', x: 20, y: 20, radius: 2, score: 0.6, source: 'frst' }]);
  });

  it('turns a map peak that no FRST candidate covers into a new candidate of that class', () => {
    const out = rescoreWithLesionMaps([], maps([{ code: 'SE', x: 5, y: 15, v: 0.7 }]), mask);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'bright', class: 'soft_exudate', x: 10.5, y: 30.5, score: 0.7, source: 'map' });
  });

  it('merges an FRST centre and a map peak closer than minDistancePx, keeping the higher score', () => {
    const out = rescoreWithLesionMaps([{ kind: 'bright', x: 20, y: 20, radius: 1 }], maps([{ code: 'EX', x: 12, y: 10, v: 0.8 }]), mask, { minDistancePx: 6 });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ source: 'map', score: 0.8 });
  });

  it('drops peaks below minPeak, outside the mask, and where keep() says no', () => {
    const holed = { width: 40, height: 40, data: new Uint8Array(1600).fill(1) };
    holed.data[Math.round(10.5) * 40 + Math.round(10.5)] = 0;
    expect(rescoreWithLesionMaps([], maps([{ code: 'EX', x: 5, y: 5, v: 0.9 }]), holed)).toEqual([]);
    expect(rescoreWithLesionMaps([], maps([{ code: 'EX', x: 8, y: 8, v: 0.01 }]), mask, { minPeak: 0.02 })).toEqual([]);
    expect(rescoreWithLesionMaps([], maps([{ code: 'EX', x: 8, y: 8, v: 0.9 }]), mask, { keep: (x) => x > 30 })).toEqual([]);
  });

  it('sorts by score across kinds', () => {
    const out = rescoreWithLesionMaps([], maps([{ code: 'MA', x: 3, y: 3, v: 0.4 }, { code: 'EX', x: 15, y: 15, v: 0.9 }, { code: 'HE', x: 15, y: 3, v: 0.6 }]), mask);
    expect(out.map((c) => c.class)).toEqual(['exudate', 'haemorrhage', 'microaneurysm']);
  });
});

describe('rescoreWithLesionMaps merging', () => {
  it('merges a weaker candidate whose centre lies inside a stronger one of the same kind (one blot, one finding)', () => {
    const frst = [{ kind: 'dark' as const, x: 20, y: 20, radius: 9 }, { kind: 'dark' as const, x: 27, y: 20, radius: 2 }];
    const m = maps([{ code: 'HE', x: 10, y: 10, v: 0.9 }, { code: 'MA', x: 13, y: 10, v: 0.5 }]);
    const out = rescoreWithLesionMaps(frst, m, mask, { minDistancePx: 3, minPeak: 2 });
    expect(out.map((c) => [c.x, c.score])).toEqual([[20, 0.9]]);
  });
});

describe('rescoreWithLesionMaps exudate clusters', () => {
  it('keeps separate exudate peaks inside a large bright candidate (clusters of specks stay findings)', () => {
    const frst = [{ kind: 'bright' as const, x: 20, y: 20, radius: 9 }];
    const out = rescoreWithLesionMaps(frst, maps([{ code: 'EX', x: 10, y: 10, v: 0.9 }, { code: 'EX', x: 13, y: 10, v: 0.5 }]), mask, { minDistancePx: 3 });
    // The peak at the candidate's centre is the candidate; the second peak lies inside its radius and stays.
    expect(out.map((c) => [c.source, c.score])).toEqual([['frst', 0.9], ['map', 0.5]]);
  });
});
