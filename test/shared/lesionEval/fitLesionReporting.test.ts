import { describe, expect, it } from 'vitest';
import { fitLesionReporting, predictDme, type ReportingSample } from '../../../shared/lesionEval/fitLesionReporting.js';

function sample(i: number, grade: number, scores: number[], exudate: { d: number; score: number } | null, dme: number): ReportingSample {
  const candidates = scores.map((score, k) => ({ kind: (k % 2 ? 'bright' : 'dark') as 'dark' | 'bright', class: k % 2 ? 'soft_exudate' : 'haemorrhage', x: 10 * k, y: 0, radius: 1, score }));
  if (exudate) candidates.push({ kind: 'bright', class: 'exudate', x: 500 + exudate.d * 100, y: 500, radius: 0, score: exudate.score });
  return { group: `p${i}`, grade, dmeLabel: dme, fovea: { x: 500, y: 500 }, discDiameter: 100, candidates };
}

describe('fitLesionReporting', () => {
  it('picks thresholds at which healthy retinas show at most the goal, and says how it holds out of fold', () => {
    const samples: ReportingSample[] = [];
    for (let i = 0; i < 50; i++) samples.push(sample(i, 0, [0.1, 0.15, 0.2, 0.3, 0.05 + (i % 10) / 20], null, 0));
    const fit = fitLesionReporting(samples, { healthyGoal: { dark: 2, bright: 1 }, goalMargin: 1 });
    const count = (kind: 'dark' | 'bright', t: number) => samples.reduce((n, s) => n + s.candidates.filter((c) => c.kind === kind && c.score >= t).length, 0) / samples.length;
    expect(count('dark', fit.minScore.dark)).toBeLessThanOrEqual(2);
    expect(count('bright', fit.minScore.bright)).toBeLessThanOrEqual(1);
    // The lowest such threshold: one grid step lower breaks the goal for the bright kind (two per photograph ≥ 0.15).
    expect(count('bright', fit.minScore.bright - 0.01)).toBeGreaterThan(1);
    expect(fit.outOfFold.healthyPhotographs).toBe(50);
  });

  it('fits the DME exudate threshold that separates real exudates from faint false ones', () => {
    const samples: ReportingSample[] = [];
    for (let i = 0; i < 60; i++) {
      const dme = i % 3;
      // Label 0 photographs carry a faint false exudate (0.1); real ones score 0.6 at 0.5 DD (risk 2) or 2 DD (risk 1).
      samples.push(sample(i, 2, [], dme === 0 ? { d: 0.5, score: 0.1 } : { d: dme === 2 ? 0.5 : 2, score: 0.6 }, dme));
    }
    const fit = fitLesionReporting(samples);
    expect(fit.dmeExudateMinScore).toBeGreaterThan(0.1);
    expect(fit.dmeExudateMinScore).toBeLessThanOrEqual(0.6);
    expect(fit.outOfFold.dmeAccuracy).toBe(1);
    expect(predictDme(samples[2]!, fit.dmeExudateMinScore)).toBe(2);
  });
});
