import { describe, expect, it } from 'vitest';
import { lesionGradeFeatureNames, lesionGradeFeatures } from '../../../shared/grading/lesionGradeFeatures.js';
import { lesionClasses } from '../../../shared/lesions/lesionClasses.js';
import { summariseLesions } from '../../../shared/lesions/summariseLesions.js';

describe('summariseLesions', () => {
  // A 100×100 normalised retina (radius 50 around the centre) with maps at stride 2 (50×50).
  const retina = { cx: 50, cy: 50, radius: 50 };
  const blank = () => new Float32Array(2500);
  it('sums map area above 0.5 by region around the fovea, in 1/10 000 of the retina', () => {
    const ex = blank();
    ex[25 * 50 + 25] = 0.9; // at the fovea (macula)
    ex[25 * 50 + 26] = 0.4; // below 0.5: not counted
    ex[25 * 50 + 40] = 0.8; // 30 px from the fovea = 3 DD of 10 px: posterior
    ex[25 * 50 + 46] = 0.8; // beyond 3 DD: periphery (still inside the retina)
    const s = summariseLesions({ width: 50, height: 50, stride: 2, maps: { MA: blank(), HE: blank(), EX: ex, SE: blank() } }, [], retina, { x: 51, y: 51 }, 10);
    const unitPx = (Math.PI * 50 * 50) / 1e4;
    expect(s.burden.area.EX.macula).toBeCloseTo(4 / unitPx, 3);
    expect(s.burden.area.EX.posterior).toBeCloseTo(4 / unitPx, 3);
    expect(s.burden.area.EX.periphery).toBeCloseTo(4 / unitPx, 3);
    expect(s.burden.peak.EX).toBe(0.9);
    expect(s.burden.area.MA).toEqual({ macula: 0, posterior: 0, periphery: 0 });
  });

  it('counts candidates by class and red lesions by quadrant around the fovea (the 4-2-1 rule)', () => {
    const maps = { width: 50, height: 50, stride: 2, maps: { MA: blank(), HE: blank(), EX: blank(), SE: blank() } };
    const c = (cls: string, x: number, y: number, score: number) => ({ class: cls, x, y, score });
    const candidates = [c('haemorrhage', 10, 10, 0.9), c('haemorrhage', 12, 10, 0.9), c('microaneurysm', 14, 10, 0.6), c('microaneurysm', 90, 10, 0.6), c('haemorrhage', 90, 90, 0.3), c('exudate', 10, 90, 0.95)];
    const s = summariseLesions(maps, candidates, retina, { x: 50, y: 50 }, 10);
    expect(s.counts.HE).toEqual({ at50: 2, at20: 3 });
    expect(s.counts.MA).toEqual({ at50: 2, at20: 2 });
    expect(s.counts.EX).toEqual({ at50: 1, at20: 1 });
    expect([s.redQuadrants, s.redQuadrants3]).toEqual([2, 1]);
    const features = lesionGradeFeatures(s);
    expect(features).toHaveLength(lesionGradeFeatureNames.length);
    expect(lesionGradeFeatureNames).toHaveLength(lesionClasses.length * 6 + 2);
    expect(features[lesionGradeFeatureNames.indexOf('HE.count50')]).toBeCloseTo(Math.log1p(2), 12);
    expect(features.slice(-2)).toEqual([2, 1]);
  });
});
