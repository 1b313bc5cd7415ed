import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCandidateRanker } from '../../../shared/lesions/CandidateRanker.js';
import { candidateFeatureNames } from '../../../shared/lesions/candidateFeatures.js';

const run = promisify(execFile);
const cli = join(process.cwd(), 'bin', 'drgrade.js');
const fixture = join(process.cwd(), 'test', 'fixtures', 'tiny-lesion-model');
const elongation = candidateFeatureNames.indexOf('elongation');

/**
 * Two fold models (the tiny fixture, each holding out half of 12 photographs) and a cache of their candidates in
 * which the map score says nothing (random) and elongation says everything (lesions round, vessels long): a ranker
 * that learns must lift the FROC above the map scores', out of fold.
 */
describe('drgrade fit-lesion-ranker (the built CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drgrade-ranker-'));
    const manifest = JSON.parse(await readFile(join(fixture, 'model.json'), 'utf8')) as { sha256: string; training: Record<string, unknown> };
    await mkdir(join(dir, 'images'));
    const stems = Array.from({ length: 12 }, (_, i) => `P_${String(i).padStart(2, '0')}`);
    for (const s of stems) await writeFile(join(dir, 'images', `${s}.jpg`), '');
    for (const k of [0, 1]) {
      const fold = join(dir, 'cv', `fold-${k}`);
      await mkdir(fold, { recursive: true });
      await copyFile(join(fixture, 'model.onnx'), join(fold, 'model.onnx'));
      await writeFile(join(fold, 'model.json'), JSON.stringify({ ...manifest, training: { ...manifest.training, heldOut: stems.filter((_, i) => i % 2 === k) } }));
    }
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const lines = stems.map((stem, i) => {
      const rows = [];
      for (let c = 0; c < 60; c++) {
        const lesion = c % 3 === 0;
        const kind = c % 2 === 0 ? 'dark' : 'bright';
        const features = candidateFeatureNames.map(() => next());
        features[elongation] = (lesion ? 0.2 : 1.5) + next() * 0.8;
        const key = [`${stem}:${c}`];
        rows.push({ kind, features, mapScore: Math.round(next() * 1e6) / 1e6, red: kind === 'dark' && lesion ? key : [], ma: kind === 'dark' && lesion ? key : [], maIgnored: false, ex: kind === 'bright' && lesion ? key : [], exIgnored: false });
      }
      return JSON.stringify({ stem, fold: `fold-${i % 2}`, sha256: manifest.sha256, scale: 1, truth: { red: 10, MA: 10, EX: 10 }, rows });
    });
    await writeFile(join(dir, 'cache.jsonl'), `${lines.join('\n')}\n`);
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('fits out of fold, lifts the FROC over the map scores and writes rankers the lesion model accepts', async () => {
    const { stdout } = await run(process.execPath, [cli, 'fit-lesion-ranker', '--images', join(dir, 'images'), '--masks', join(dir, 'masks'), '--cv', join(dir, 'cv'),
      '--cache', join(dir, 'cache.jsonl'), '--write', join(dir, 'ranker.json'), '--write-folds', '--json']);
    const out = JSON.parse(stdout);
    expect(out.photographs).toBe(12);
    expect(out.folds).toBe(2);
    expect(out.candidates).toEqual({ dark: 360, bright: 360 });
    const { mapScores, ranked } = out.nestedFigures;
    expect(ranked.red.frocScore).toBeGreaterThan(mapScores.red.frocScore + 0.2);
    expect(ranked.EX.sensitivityAt8).toBeGreaterThan(mapScores.EX.sensitivityAt8);
    expect(out.weights.dark.elongation).toBeLessThan(-1);
    const shipped = validateCandidateRanker(JSON.parse(await readFile(join(dir, 'ranker.json'), 'utf8')));
    expect(shipped.features).toEqual([...candidateFeatureNames]);
    for (const k of [0, 1]) {
      const fold = JSON.parse(await readFile(join(dir, 'cv', `fold-${k}`, 'ranker.json'), 'utf8'));
      expect(fold.fit.heldOutFold).toBe(`fold-${k}`);
      expect(validateCandidateRanker(fold).dark.weights).not.toEqual(shipped.dark.weights);
    }
  });

  it('explains itself without its folders and refuses a negative penalty', async () => {
    const help = await run(process.execPath, [cli, 'fit-lesion-ranker', '--help']);
    expect(help.stdout).toContain('fit-lesion-ranker --images');
    const bad = await run(process.execPath, [cli, 'fit-lesion-ranker', '--images', dir, '--masks', dir, '--cv', join(dir, 'cv'), '--l2', '-1']).then(() => 0, (e: { code: number; stderr: string }) => { expect(e.stderr).toContain('--l2'); return e.code; });
    expect(bad).toBe(2);
  });
});
