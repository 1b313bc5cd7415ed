import { describe, expect, it } from 'vitest';
import { weighDiscCandidates } from '../../../shared/landmarks/weighDiscCandidates.js';

/** A candidate at the FOV centre (position cost 8) and one where macula-centred photographs put the disc (cost 0). */
const central = (evidence: number) => ({ evidence, foveaScore: -1, offsetX: 0, offsetY: 0 });
const usual = (evidence: number) => ({ evidence, foveaScore: -1, offsetX: 0.6, offsetY: -0.02 });

describe('weighDiscCandidates', () => {
  it('lets the position prior decide between candidates of similar evidence', () => {
    // Lead 0.5: full prior, 6 − 0.5·8 = 2 < 5.5.
    expect(weighDiscCandidates([central(6), usual(5.5)], 0.5)).toBe(1);
    // Lead 2.9 < 3: still the full prior, 2 < 3.1.
    expect(weighDiscCandidates([central(6), usual(3.1)], 0.5)).toBe(1);
  });
  it('weakens the prior linearly between leads of 3 and 5, so that it cannot overturn strong evidence', () => {
    // Lead 3.8: 0.6 of the prior, 6 − 0.6·4 = 3.6 > 2.2; the full prior would have chosen the usual place (2 < 2.2).
    expect(weighDiscCandidates([central(6), usual(2.2)], 0.5)).toBe(0);
    // Lead 3.5: 0.75 of the prior, 6 − 3 = 3 > 2.5.
    expect(weighDiscCandidates([central(6), usual(2.5)], 0.5)).toBe(0);
  });
  it('charges 5 for a candidate without a fovea, and half the fovea score otherwise', () => {
    expect(weighDiscCandidates([{ ...usual(6), foveaScore: null }, { ...usual(5), foveaScore: -2 }], 0.5)).toBe(1);
  });
  it('returns −1 without candidates and 0 for one', () => {
    expect(weighDiscCandidates([], 0.5)).toBe(-1);
    expect(weighDiscCandidates([central(1)], 0.5)).toBe(0);
  });
});
