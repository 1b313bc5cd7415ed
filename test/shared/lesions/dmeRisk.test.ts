import { describe, expect, it } from 'vitest';
import { dmeRisk } from '../../../shared/lesions/dmeRisk.js';

describe('dmeRisk (IDRiD: 0 none, 1 exudates beyond one disc diameter of the fovea, 2 within)', () => {
  const fovea = { x: 500, y: 500 };
  it('is 0 without exudates, whatever the landmarks', () => {
    expect(dmeRisk([], fovea, 100)).toEqual({ risk: 0, nearestExudateDiscDiameters: null });
    expect(dmeRisk([], null, null)).toEqual({ risk: 0, nearestExudateDiscDiameters: null });
  });
  it('is 1 when every exudate edge lies beyond one disc diameter', () => {
    expect(dmeRisk([{ x: 500, y: 260, radius: 10 }, { x: 800, y: 500, radius: 5 }], fovea, 100)).toEqual({ risk: 1, nearestExudateDiscDiameters: 2.3 });
  });
  it('is 2 when an exudate edge reaches within one disc diameter (measured to the edge, not the centre)', () => {
    expect(dmeRisk([{ x: 500, y: 380, radius: 25 }], fovea, 100)).toEqual({ risk: 2, nearestExudateDiscDiameters: 0.95 });
    expect(dmeRisk([{ x: 500, y: 500, radius: 40 }], fovea, 100)).toEqual({ risk: 2, nearestExudateDiscDiameters: 0 });
  });
  it('counts exactly one disc diameter as within', () => {
    expect(dmeRisk([{ x: 600, y: 500, radius: 0 }], fovea, 100)?.risk).toBe(2);
    expect(dmeRisk([{ x: 600.5, y: 500, radius: 0 }], fovea, 100)?.risk).toBe(1);
  });
  it('is not assessed (null) with exudates but no fovea or disc size', () => {
    expect(dmeRisk([{ x: 1, y: 1, radius: 1 }], null, 100)).toBeNull();
    expect(dmeRisk([{ x: 1, y: 1, radius: 1 }], fovea, null)).toBeNull();
  });
});
