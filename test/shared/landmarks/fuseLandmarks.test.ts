import { describe, expect, it } from 'vitest';
import { fuseLandmarks, learnedFoveaMinMass } from '../../../shared/landmarks/fuseLandmarks.js';
import type { NormalisedLandmarks } from '../../../shared/landmarks/findLandmarks.js';
import { decodeHeatmap } from '../../../shared/landmarks/LandmarkModel.js';
import { shippedLandmarkPriors } from '../../../shared/landmarks/shippedLandmarkPriors.js';

const classical: NormalisedLandmarks = { disc: { x: 800, y: 500, radius: 77.8, confidence: 0.6 }, fovea: { x: 420, y: 560, confidence: 0.4 } };
const fov = 1024, expectedRadius = (0.152 * fov) / 2;

describe('fuseLandmarks', () => {
  it('takes the model\'s disc and fovea when it is sure, and sizes the disc by their distance', () => {
    const distance = shippedLandmarkPriors().fovea.distance;
    // Fovea 1.3 expected disc diameters × distance away: a field narrower than IDRiD's, so a disc 1.3 × larger.
    const gap = 1.3 * 2 * expectedRadius * distance;
    const out = fuseLandmarks(classical, { disc: { x: 200, y: 480, mass: 0.8, absent: 0.01 }, fovea: { x: 200 + gap, y: 480, mass: 0.7, absent: 0.02 } }, fov);
    expect(out.disc).toEqual({ x: 200, y: 480, radius: expect.closeTo(1.3 * expectedRadius, 6), confidence: 0.8 });
    expect(out.fovea).toEqual({ x: Math.round((200 + gap) * 10) / 10, y: 480, confidence: 0.7 });
  });

  it('keeps the disc size within 0.8–2 × the expected one', () => {
    const near = fuseLandmarks(classical, { disc: { x: 500, y: 500, mass: 0.9, absent: 0 }, fovea: { x: 520, y: 500, mass: 0.9, absent: 0 } }, fov);
    expect(near.disc!.radius).toBeCloseTo(0.8 * expectedRadius, 9);
    const far = fuseLandmarks(classical, { disc: { x: 0, y: 500, mass: 0.9, absent: 0 }, fovea: { x: 1000, y: 500, mass: 0.9, absent: 0 } }, fov);
    expect(far.disc!.radius).toBeCloseTo(2 * expectedRadius, 9);
  });

  // A standard field: the fovea 2.52 expected disc diameters from the disc.
  const standardGap = 2 * expectedRadius * shippedLandmarkPriors().fovea.distance;
  const unsure = learnedFoveaMinMass - 0.01;

  it('takes the search\'s fovea and disc size for an unsure fovea in a field like IDRiD\'s where the search found the same disc', () => {
    const out = fuseLandmarks(classical, { disc: { x: 810, y: 470, mass: 0.9, absent: 0 }, fovea: { x: 810 - standardGap, y: 470, mass: unsure, absent: 0 } }, fov);
    expect(out.fovea).toBe(classical.fovea);
    expect(out.disc).toEqual({ x: 810, y: 470, radius: 77.8, confidence: 0.9 });
  });

  it('keeps the unsure fovea of the model in a narrower field (its distance implies a disc 1.5 × larger)', () => {
    const out = fuseLandmarks(classical, { disc: { x: 810, y: 470, mass: 0.9, absent: 0 }, fovea: { x: 810 - 1.5 * standardGap, y: 470, mass: unsure, absent: 0 } }, fov);
    expect(out.fovea).toEqual({ x: Math.round((810 - 1.5 * standardGap) * 10) / 10, y: 470, confidence: unsure });
    expect(out.disc!.radius).toBeCloseTo(1.5 * expectedRadius, 6);
  });

  it('keeps the unsure fovea of the model where the search found another disc', () => {
    const out = fuseLandmarks(classical, { disc: { x: 200, y: 470, mass: 0.9, absent: 0 }, fovea: { x: 200 + standardGap, y: 470, mass: unsure, absent: 0 } }, fov);
    expect(out.fovea!.x).toBeCloseTo(200 + standardGap, 1);
  });

  it('does not drop a disc the model calls absent (that output was miscalibrated) and reports its mass as confidence', () => {
    const out = fuseLandmarks(classical, { disc: { x: 210, y: 470, mass: 0.02, absent: 0.97 }, fovea: { x: 210 + standardGap, y: 470, mass: 0.9, absent: 0 } }, fov);
    expect(out.disc).toMatchObject({ x: 210, y: 470, confidence: 0.02 });
  });
});

describe('decodeHeatmap', () => {
  it('gives the probability-weighted centre of the 5 × 5 cells around the peak, in input pixels, and their mass', () => {
    const cells = 8, map = new Float32Array(cells * cells);
    map[3 * cells + 4] = 0.5;
    map[3 * cells + 5] = 0.25;
    map[7 * cells + 0] = 0.2; // outside the window around the peak
    const out = decodeHeatmap(map, cells, 4);
    expect(out.x).toBeCloseTo((4 + 1 / 3 + 0.5) * 4, 6);
    expect(out.y).toBeCloseTo((3 + 0.5) * 4, 6);
    expect(out.mass).toBeCloseTo(0.75, 6);
  });

  it('clips the window at the map\'s edge and takes the first of equal peaks', () => {
    const cells = 6, map = new Float32Array(cells * cells);
    map[0] = 0.3;
    map[cells * cells - 1] = 0.3;
    expect(decodeHeatmap(map, cells, 2)).toEqual({ x: 1, y: 1, mass: expect.closeTo(0.3, 6) });
  });
});
