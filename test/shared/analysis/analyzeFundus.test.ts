import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFundus } from '../../../shared/analysis/analyzeFundus.js';
import type { AnalysisResult } from '../../../shared/analysis/AnalysisResult.js';
import type { SyntheticFundusTruth } from '../../../shared/synth/synthFundus.js';
import { ordinaryPhotoJpeg, syntheticFundusJpeg } from '../../helpers/imageBytes.js';

describe('analyzeFundus on synthetic photographs with known truth', () => {
  let result: AnalysisResult;
  let truth: SyntheticFundusTruth;
  beforeAll(async () => {
    const s = await syntheticFundusJpeg(7, { grade: 3, width: 1200, cutTopBottom: true });
    truth = s.truth;
    result = await analyzeFundus(s.bytes, { maculaDiscDiameters: null });
  });

  it('finds the field of view in source pixels', () => {
    expect(result.fov).not.toBeNull();
    expect(Math.abs(result.fov!.cx - truth.fov.cx)).toBeLessThan(truth.fov.radius * 0.02);
    expect(Math.abs(result.fov!.cy - truth.fov.cy)).toBeLessThan(truth.fov.radius * 0.02);
    expect(Math.abs(result.fov!.radius - truth.fov.radius)).toBeLessThan(truth.fov.radius * 0.02);
  });

  it('is gradable and reports per-stage timings', () => {
    expect(result.quality.gradable).toBe(true);
    expect(result.quality.score).toBeGreaterThan(0.5);
    for (const stage of ['decode', 'fov', 'normalise', 'quality', 'enhance', 'landmarkModel', 'landmarks', 'lesions', 'annotate', 'total']) {
      expect(result.timingsMs[stage]).toBeGreaterThanOrEqual(0);
    }
  });

  it('locates the optic disc and the fovea within one disc radius, and the laterality', () => {
    const od = result.landmarks.opticDisc!;
    const fv = result.landmarks.fovea!;
    expect(Math.hypot(od.x - truth.opticDisc.x, od.y - truth.opticDisc.y)).toBeLessThan(truth.opticDisc.radius);
    expect(Math.hypot(fv.x - truth.fovea.x, fv.y - truth.fovea.y)).toBeLessThan(truth.opticDisc.radius);
    expect(result.landmarks.laterality).toBe(truth.laterality);
  });

  it('detects most drawn red lesions and exudates, with coordinates in source pixels', () => {
    const hit = (kind: 'dark' | 'bright') => {
      const drawn = truth.lesions.filter((l) => l.kind === kind);
      const found = drawn.filter((l) => result.lesions.some((c) => c.kind === kind && Math.hypot(c.x - l.x, c.y - l.y) <= l.radius + c.radius + 3));
      return { drawn: drawn.length, found: found.length };
    };
    const dark = hit('dark');
    const bright = hit('bright');
    expect(dark.drawn).toBeGreaterThan(5);
    expect(dark.found / dark.drawn).toBeGreaterThan(0.6);
    expect(bright.found / Math.max(1, bright.drawn)).toBeGreaterThan(0.5);
    for (const l of result.lesions) {
      expect(l.score).toBeGreaterThanOrEqual(0);
      expect(l.score).toBeLessThanOrEqual(1);
      expect(Math.hypot(l.x - truth.fov.cx, l.y - truth.fov.cy)).toBeLessThan(truth.fov.radius);
      expect(['microaneurysm', 'haemorrhage', 'exudate']).toContain(l.class);
    }
  });

  it('keeps candidates out of the optic disc', () => {
    const od = result.landmarks.opticDisc!;
    for (const l of result.lesions) expect(Math.hypot(l.x - od.x, l.y - od.y)).toBeGreaterThanOrEqual(od.radius * 1.2 - 2);
  });

  it('produces enhanced and annotated images at the normalised size', () => {
    const t = result.transform!;
    expect(result.images.enhanced!.width).toBe(t.normalisedWidth);
    expect(result.images.annotated!.height).toBe(t.normalisedHeight);
    // The annotation draws cyan rings: some pure cyan pixels exist in the annotated image and none in the original.
    const cyan = (img: { data: Uint8Array }) => { let c = 0; for (let i = 0; i < img.data.length; i += 3) if (img.data[i] === 0 && img.data[i + 1] === 255 && img.data[i + 2] === 255) c++; return c; };
    expect(cyan(result.images.annotated!)).toBeGreaterThan(50);
    expect(cyan(result.images.original)).toBe(0);
  });
});

describe('analyzeFundus filters', () => {
  it('the macula filter keeps only candidates within N disc diameters of the fovea', async () => {
    const s = await syntheticFundusJpeg(11, { grade: 3, width: 1024 });
    const r = await analyzeFundus(s.bytes, { maculaDiscDiameters: 1 });
    const od = r.landmarks.opticDisc!, fv = r.landmarks.fovea!;
    for (const l of r.lesions) expect(Math.hypot(l.x - fv.x, l.y - fv.y)).toBeLessThanOrEqual(2 * od.radius + 2);
  });

  it('calls an ordinary photograph ungradable (not a fundus) with no lesions', async () => {
    const r = await analyzeFundus(await ordinaryPhotoJpeg());
    expect(r.quality.gradable).toBe(false);
    expect(r.quality.category).toBe('ungradable');
    expect(r.quality.reasons).toContain('not_a_fundus');
    expect(r.lesions).toEqual([]);
  });

  it('calls a grade-0 synthetic retina gradable', async () => {
    const s = await syntheticFundusJpeg(3, { grade: 0, width: 900 });
    const r = await analyzeFundus(s.bytes);
    expect(r.quality.gradable).toBe(true);
  });
});
