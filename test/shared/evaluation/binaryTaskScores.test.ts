import { describe, expect, it } from 'vitest';
import { binaryTaskScores } from '../../../shared/evaluation/binaryTaskScores.js';

const p = [0.4, 0.2, 0.2, 0.1, 0.1];
const cases = ([0, 1, 2, 3, 4] as const).map((truthGrade) => ({ truthGrade, probabilities: p }));

describe('binaryTaskScores', () => {
  it('no DR vs non-sight-threatening keeps grades 0–2 and renormalises over them', () => {
    expect(binaryTaskScores('noDrVsNonSightThreatening', cases)).toEqual({ indices: [0, 1, 2], scores: [0.5, 0.5, 0.5], labels: [false, true, true] });
  });

  it('no DR vs sight-threatening keeps grades 0, 3, 4', () => {
    const out = binaryTaskScores('noDrVsSightThreatening', cases);
    expect(out.indices).toEqual([0, 3, 4]);
    expect(out.labels).toEqual([false, true, true]);
    for (const s of out.scores) expect(s).toBeCloseTo(0.2 / 0.6, 12);
  });

  it('non-sight-threatening vs sight-threatening keeps grades 1–4', () => {
    const out = binaryTaskScores('nonSightThreateningVsSightThreatening', cases);
    expect(out.indices).toEqual([1, 2, 3, 4]);
    expect(out.labels).toEqual([false, false, true, true]);
    for (const s of out.scores) expect(s).toBeCloseTo(0.2 / 0.6, 12);
  });

  it('scores 0.5 when the task grades have no probability at all', () => {
    expect(binaryTaskScores('noDrVsSightThreatening', [{ truthGrade: 0, probabilities: [0, 1, 0, 0, 0] }]).scores).toEqual([0.5]);
  });
});
