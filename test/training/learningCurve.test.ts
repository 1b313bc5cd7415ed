import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { fitLesionGrading, type GradingSample } from '../../shared/grading/crossValidateLesionGrading.js';
import type { IcdrGrade } from '../../shared/grading/gradeTable.js';
import { predictMultinomialLogistic } from '../../shared/grading/multinomialLogistic.js';

/**
 * Runs `python -m drgrade_train learning-curve` end to end on a synthetic features CSV (the form
 * `drgrade fit-lesion-grading --export-features` writes), with Debian's Python, and checks the JSON it writes and
 * the plot rendered through `drgrade render-chart` (so it needs the TypeScript build, which `npm test` makes
 * first). Skipped, saying why, where numpy is missing.
 */
const python = '/usr/bin/python3';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function numpyAvailable(): { ok: boolean; reason: string } {
  if (!existsSync(python)) return { ok: false, reason: `${python} not found` };
  const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status === 0) return { ok: true, reason: '' };
  return { ok: false, reason: `${python} cannot import numpy (${(probe.stderr || probe.error?.message || 'unknown error').trim().split('\n').pop()})` };
}

/** 150 photographs, 30 per grade, dealt to five folds by grade; six features rising with the grade plus noise. */
function syntheticFeaturesCsv(): string {
  let state = 12345;
  const uniform = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return (state + 0.5) / 4294967296; };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const names = Array.from({ length: 6 }, (_, j) => `feature_${j}`);
  const rows = [['image', 'group', 'grade', 'fold', ...names].join(',')];
  for (let i = 0; i < 150; i++) {
    const grade = i % 5;
    const fold = Math.floor(i / 5) % 5;
    const features = names.map((_, j) => (grade * (1 - j / 6) + 1.2 * normal()).toFixed(6));
    rows.push([`synthetic_${i}`, `synthetic_${i}`, grade, fold, ...features].join(','));
  }
  return `${rows.join('\n')}\n`;
}

const availability = numpyAvailable();
const title = availability.ok ? 'writes the JSON with points, fit and predicted sizes, and the plot as Vega-Lite, SVG and PNG'
  : `SKIPPED: the learning-curve study needs numpy: ${availability.reason}`;
if (!availability.ok) console.warn(`[learning curve] ${title}`);

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('python -m drgrade_train learning-curve', () => {
  it.skipIf(!availability.ok)(title, async () => {
    const work = await mkdtemp(join(tmpdir(), 'drgrade-learning-curve-'));
    temps.push(work);
    await writeFile(join(work, 'features.csv'), syntheticFeaturesCsv());
    const out = join(work, 'lc', 'learning-curve.json');
    await promisify(execFile)(python, ['-m', 'drgrade_train', 'learning-curve', '--features', join(work, 'features.csv'), '--out', out, '--iterations', '800'], {
      cwd: join(repoRoot, 'training'), timeout: 170_000, maxBuffer: 8 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`learning-curve failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    const result = JSON.parse(await readFile(out, 'utf8')) as {
      photographs: number;
      points: { fraction: number; images: number; referableAuc: number; logLoss: number; repeats: number }[];
      fit: { a: number; b: number; c: number };
      predictedImages: { auc095: number | null; auc099: number | null; reason?: string };
    };
    expect(result.photographs).toBe(150);
    expect(result.points.map((p) => p.fraction)).toEqual([0.1, 0.2, 0.4, 0.7, 1]);
    expect(result.points.map((p) => p.repeats)).toEqual([3, 3, 3, 3, 1]);
    for (const p of result.points) {
      expect(Object.keys(p).slice(0, 4)).toEqual(['fraction', 'images', 'referableAuc', 'logLoss']);
      // 120 training photographs per outer fold, 24 of each grade; a fraction keeps that share of each grade.
      expect(p.images).toBe(5 * Math.max(1, Math.round(24 * p.fraction)));
      expect(p.referableAuc).toBeGreaterThan(0.6);
      expect(p.referableAuc).toBeLessThanOrEqual(1);
      expect(p.logLoss).toBeGreaterThan(0);
    }
    expect(result.points.at(-1)!.referableAuc).toBeGreaterThan(result.points[0]!.referableAuc);
    for (const key of ['a', 'b', 'c'] as const) expect(Number.isFinite(result.fit[key])).toBe(true);
    expect(result.fit.c).toBeGreaterThanOrEqual(0);
    for (const key of ['auc095', 'auc099'] as const) {
      const n = result.predictedImages[key];
      if (n === null) expect(result.predictedImages.reason).toMatch(key === 'auc095' ? /AUC 0\.95/ : /AUC 0\.99/);
      else expect(n).toBeGreaterThan(0);
    }
    const stem = join(work, 'lc', 'learning-curve');
    const spec = JSON.parse(await readFile(`${stem}.vl.json`, 'utf8')) as { $schema: string };
    expect(spec.$schema).toMatch(/vega-lite/);
    expect(await readFile(`${stem}.svg`, 'utf8')).toMatch(/^<svg/);
    expect((await sharp(await readFile(`${stem}.png`)).metadata()).format).toBe('png');
  }, 180_000);

  it.skipIf(!availability.ok)('fits the same lesion-grade model as fitLesionGrading (numpy against TypeScript)', async () => {
    const rows = syntheticFeaturesCsv().trim().split('\n').slice(1, 61).map((line) => line.split(','));
    const samples: GradingSample[] = rows.map((r) => ({ id: r[0]!, group: r[1]!, grade: Number(r[2]) as IcdrGrade, features: r.slice(4).map(Number) }));
    const names = samples[0]!.features.map((_, j) => `feature_${j}`);
    const script = [
      'import json, sys', 'import numpy as np', 'from drgrade_train.learning_curve import fit_lesion_grading, predict_multinomial_logistic',
      'd = json.load(sys.stdin)', 'x = np.array(d["x"]); g = np.array(d["g"])',
      'print(json.dumps(predict_multinomial_logistic(fit_lesion_grading(x, g, 0.05, 400), x[:5]).tolist()))',
    ].join('\n');
    const child = spawnSync(python, ['-c', script], {
      cwd: join(repoRoot, 'training'), encoding: 'utf8', timeout: 60_000,
      input: JSON.stringify({ x: samples.map((s) => s.features), g: samples.map((s) => s.grade) }),
    });
    expect(child.status, child.stderr).toBe(0);
    const fromNumpy = JSON.parse(child.stdout) as number[][];
    const model = fitLesionGrading(samples, names, { l2: 0.05, iterations: 400 });
    samples.slice(0, 5).forEach((s, i) => {
      predictMultinomialLogistic(model, s.features).forEach((p, k) => expect(p).toBeCloseTo(fromNumpy[i]![k]!, 10));
    });
  }, 60_000);
});
