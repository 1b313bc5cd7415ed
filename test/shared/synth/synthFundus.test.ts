import { describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import type { RgbImage } from '../../../shared/image/RgbImage.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';

/** Mean of one channel over pixels whose distance to (cx, cy) lies in [r0, r1). */
function ringMean(image: RgbImage, channel: number, cx: number, cy: number, r0: number, r1: number): number {
  return ringStat(image, channel, cx, cy, r0, r1, (values) => values.reduce((a, b) => a + b, 0) / values.length);
}

function ringMedian(image: RgbImage, channel: number, cx: number, cy: number, r0: number, r1: number): number {
  return ringStat(image, channel, cx, cy, r0, r1, (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!);
}

function ringStat(image: RgbImage, channel: number, cx: number, cy: number, r0: number, r1: number, stat: (v: number[]) => number): number {
  const values: number[] = [];
  for (let y = Math.max(0, Math.floor(cy - r1)); y <= Math.min(image.height - 1, Math.ceil(cy + r1)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r1)); x <= Math.min(image.width - 1, Math.ceil(cx + r1)); x++) {
      const d = Math.hypot(x - cx, y - cy);
      if (d >= r0 && d < r1) values.push(image.data[(y * image.width + x) * 3 + channel]!);
    }
  }
  if (values.length === 0) throw new Error('empty ring');
  return stat(values);
}

describe('synthFundus', () => {
  it('is deterministic: the same options give identical bytes, another seed different ones', () => {
    const a = synthFundus({ seed: 42, width: 256 });
    const b = synthFundus({ seed: 42, width: 256 });
    const c = synthFundus({ seed: 43, width: 256 });
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(a.truth).toEqual(b.truth);
    expect(Buffer.from(a.image.data).equals(Buffer.from(c.image.data))).toBe(false);
  });

  it('defaults to 1024 × 768 and fits the FOV inside the frame', () => {
    const { image, truth } = synthFundus({ seed: 1 });
    expect([image.width, image.height, image.data.length]).toEqual([1024, 768, 1024 * 768 * 3]);
    expect(truth.fov.radius).toBeLessThanOrEqual(768 / 2);
    expect(truth.fov).toMatchObject({ cx: 512, cy: 384 });
  });

  it('cuts the FOV circle at top and bottom like a 4288 × 2848 photograph', () => {
    const { image, truth } = synthFundus({ seed: 2, width: 640, cutTopBottom: true });
    expect(image.height).toBe(Math.round((640 * 2848) / 4288));
    expect(truth.fov.radius).toBeGreaterThan(image.height / 2);
    // Retina reaches the top and bottom rows in the middle; the corners stay dark.
    const at = (x: number, y: number) => image.data[(y * image.width + x) * 3]!;
    expect(at(320, 0)).toBeGreaterThan(60);
    expect(at(320, image.height - 1)).toBeGreaterThan(60);
    expect(at(0, 0)).toBeLessThan(15);
  });

  it('keeps every landmark and lesion inside the image and the FOV', () => {
    for (let seed = 0; seed < 10; seed++) {
      const { image, truth } = synthFundus({ seed, width: 320, grade: ((seed % 3) + 2) as 2 | 3 | 4, cutTopBottom: seed % 2 === 0 });
      const inFov = (x: number, y: number, r = 0) => Math.hypot(x - truth.fov.cx, y - truth.fov.cy) + r <= truth.fov.radius;
      const inImage = (x: number, y: number, r = 0) => x - r >= 0 && y - r >= 0 && x + r <= image.width - 1 && y + r <= image.height - 1;
      expect(inFov(truth.opticDisc.x, truth.opticDisc.y, truth.opticDisc.radius)).toBe(true);
      expect(inImage(truth.opticDisc.x, truth.opticDisc.y, truth.opticDisc.radius)).toBe(true);
      expect(inFov(truth.fovea.x, truth.fovea.y) && inImage(truth.fovea.x, truth.fovea.y)).toBe(true);
      expect(truth.lesions.length).toBeGreaterThan(0);
      for (const lesion of truth.lesions) {
        expect(inFov(lesion.x, lesion.y, lesion.radius)).toBe(true);
        expect(inImage(lesion.x, lesion.y, lesion.radius)).toBe(true);
        expect(Math.hypot(lesion.x - truth.opticDisc.x, lesion.y - truth.opticDisc.y)).toBeGreaterThan(truth.opticDisc.radius);
      }
    }
  });

  it('places the disc on the nasal side about 2.5 disc diameters from the fovea', () => {
    for (const laterality of ['left', 'right'] as const) {
      const { truth } = synthFundus({ seed: 7, laterality });
      expect(truth.laterality).toBe(laterality);
      expect(truth.opticDisc.x > truth.fovea.x).toBe(laterality === 'right');
      const distanceInDiscDiameters = Math.hypot(truth.opticDisc.x - truth.fovea.x, truth.opticDisc.y - truth.fovea.y) / (2 * truth.opticDisc.radius);
      expect(distanceInDiscDiameters).toBeGreaterThan(2.2);
      expect(distanceInDiscDiameters).toBeLessThan(2.8);
      expect(Math.abs(truth.opticDisc.y - truth.fovea.y)).toBeLessThan(truth.opticDisc.radius * 2);
    }
  });

  it('draws no lesions at grade 0 and more at each higher grade; tufts only at grade 4', () => {
    const counts = ([0, 1, 2, 3, 4] as const).map((grade) => synthFundus({ seed: 11, width: 512, grade }).truth);
    expect(counts[0]!.lesions).toEqual([]);
    expect(counts[1]!.lesions.every((l) => l.class === 'microaneurysm')).toBe(true);
    expect(counts[1]!.lesions.length).toBeGreaterThan(0);
    expect(new Set(counts[2]!.lesions.map((l) => l.class))).toEqual(new Set(['microaneurysm', 'haemorrhage', 'exudate']));
    expect(counts[3]!.lesions.length).toBeGreaterThan(counts[2]!.lesions.length);
    expect(counts.slice(0, 4).every((t) => t.neovascularisation.length === 0)).toBe(true);
    expect(counts[4]!.neovascularisation.length).toBeGreaterThan(0);
  });

  it('spreads grade 3 haemorrhages over all four quadrants', () => {
    const { truth } = synthFundus({ seed: 5, width: 512, grade: 3 });
    const quadrants = new Set(truth.lesions.filter((l) => l.class === 'haemorrhage')
      .map((l) => `${l.x < truth.fov.cx ? 'L' : 'R'}${l.y < truth.fov.cy ? 'T' : 'B'}`));
    expect(quadrants.size).toBe(4);
  });

  it('derives grade and laterality from the seed, covering all grades', () => {
    const grades = new Set<number>();
    const lateralities = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const { truth } = synthFundus({ seed, width: 128 });
      grades.add(truth.grade);
      lateralities.add(truth.laterality);
    }
    expect([...grades].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(lateralities.size).toBe(2);
  });

  it('draws dark lesions darker and bright lesions brighter than their surroundings (green channel)', () => {
    const { image, truth } = synthFundus({ seed: 3, width: 1024, grade: 3 });
    const dark = truth.lesions.filter((l) => l.kind === 'dark');
    const bright = truth.lesions.filter((l) => l.kind === 'bright');
    expect(dark.length).toBeGreaterThan(10);
    expect(bright.length).toBeGreaterThan(2);
    for (const lesion of truth.lesions) {
      const core = ringMean(image, 1, lesion.x, lesion.y, 0, Math.max(1, lesion.radius * 0.5));
      const around = ringMedian(image, 1, lesion.x, lesion.y, lesion.radius * 1.4 + 3, lesion.radius * 1.4 + 8);
      if (lesion.kind === 'dark') expect(core, `${lesion.class} at ${lesion.x},${lesion.y}`).toBeLessThan(around - 12);
      else expect(core, `exudate at ${lesion.x},${lesion.y}`).toBeGreaterThan(around + 40);
    }
  });

  it('looks like a fundus: dark surround, red-dominant retina darker at the rim, bright disc, darker macula', () => {
    const { image, truth } = synthFundus({ seed: 9, width: 768, grade: 0 });
    const { cx, cy, radius } = truth.fov;
    const corner = ringMean(image, 0, 0, 0, 0, 20);
    expect(corner).toBeLessThan(12);
    const centreRed = ringMean(image, 0, cx, cy, 0, radius * 0.3);
    const centreGreen = ringMean(image, 1, cx, cy, 0, radius * 0.3);
    const centreBlue = ringMean(image, 2, cx, cy, 0, radius * 0.3);
    expect(centreRed).toBeGreaterThan(centreGreen);
    expect(centreGreen).toBeGreaterThan(centreBlue);
    expect(ringMean(image, 0, cx, cy, radius * 0.9, radius * 0.97)).toBeLessThan(centreRed * 0.85);
    const disc = truth.opticDisc;
    expect(ringMean(image, 1, disc.x, disc.y, 0, disc.radius * 0.8)).toBeGreaterThan(ringMedian(image, 1, disc.x, disc.y, disc.radius * 1.5, disc.radius * 2.5) + 40);
    const fovea = truth.fovea;
    expect(ringMean(image, 1, fovea.x, fovea.y, 0, disc.radius * 0.3)).toBeLessThan(ringMedian(image, 1, fovea.x, fovea.y, disc.radius * 4, disc.radius * 5) - 10);
  });

  it('draws vessels: dark elongated structures leave the disc', () => {
    const { image, truth } = synthFundus({ seed: 4, width: 768, grade: 0 });
    const disc = truth.opticDisc;
    // Around a circle 1.5 disc radii from the disc centre, the darkest green samples (vessels) are far below the median.
    const samples: number[] = [];
    for (let k = 0; k < 720; k++) {
      const a = (k / 720) * 2 * Math.PI;
      const x = Math.round(disc.x + Math.cos(a) * disc.radius * 1.6);
      const y = Math.round(disc.y + Math.sin(a) * disc.radius * 1.6);
      samples.push(image.data[(y * image.width + x) * 3 + 1]!);
    }
    samples.sort((a, b) => a - b);
    expect(samples[10]!).toBeLessThan(samples[360]! * 0.8);
  });

  it('rejects invalid options with INVALID_ARGUMENT', () => {
    const bad = [{ seed: 1.5 }, { seed: 1, width: 10 }, { seed: 1, height: 100000 }, { seed: 1, grade: 5 as 4 },
      { seed: 1, fovRadiusPx: -3 }, { seed: 1, laterality: 'up' as 'left' }, { seed: 1, noiseLevels: Number.NaN }];
    for (const options of bad) {
      let caught: unknown;
      try {
        synthFundus(options);
      } catch (error) {
        caught = error;
      }
      expect(isDrgradeError(caught, 'INVALID_ARGUMENT'), JSON.stringify(options)).toBe(true);
    }
  });
});
