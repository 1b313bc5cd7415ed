import { describe, expect, it } from 'vitest';
import { weighDiscCandidates } from '../../../shared/landmarks/weighDiscCandidates.js';

/** A candidate at the FOV centre (position cost 8) and one where macula-centred photographs put the disc (cost 0). */
const central = (evidence: number) => ({ evidence, foveaScore: -1, offsetX: 0, offsetY: 0 });
const usual = (evidence: number) => ({ evidence, foveaScore: -1, offsetX: 0.6, offsetY: -0.02 });

describe('weighDiscCandidates', () => {
  it('lets the position prior decide between candidates of similar evidence', () => {
    // Lead 0.5 < 1: full prior, 6 − 0.5·8 = 2 < 5.5.
    expect(weighDiscCandidates([central(6), usual(5.5)], 0.5)).toBe(1);
  });
  it('believes a disc that leads by three z units wherever it lies (a disc-centred photograph)', () => {
    // Lead 3: the prior is silent. Without the yield the usual position would win: 6 − 4 = 2 < 3.
    expect(weighDiscCandidates([central(6), usual(3)], 0.5)).toBe(0);
  });
  it('weakens the prior linearly between leads of 1 and 3', () => {
    // Lead 2: half the prior, 6 − 0.5·0.5·8 = 4 ≥ 4 − ε; at lead 1.9 the usual one wins: 6 − 0.55·4 = 3.8 < 4.1.
    expect(weighDiscCandidates([central(6), usual(4)], 0.5)).toBe(0);
    expect(weighDiscCandidates([central(6), usual(4.1)], 0.5)).toBe(1);
  });
  it('charges 5 for a candidate without a fovea, and half the fovea score otherwise', () => {
    expect(weighDiscCandidates([{ ...usual(6), foveaScore: null }, { ...usual(5), foveaScore: -2 }], 0.5)).toBe(1);
  });
  it('returns −1 without candidates and 0 for one', () => {
    expect(weighDiscCandidates([], 0.5)).toBe(-1);
    expect(weighDiscCandidates([central(1)], 0.5)).toBe(0);
  });
});
