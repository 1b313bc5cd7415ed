import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { fitLogistic } from '../../../shared/lesionEval/fitLogistic.js';
import { rankCandidate, validateCandidateRanker, type CandidateRanker } from '../../../shared/lesions/CandidateRanker.js';
import { candidateFeatureNames, candidateFeatures, type CandidateContext } from '../../../shared/lesions/candidateFeatures.js';
import { LesionModel } from '../../../shared/lesions/LesionModel.js';
import { rescoreWithLesionMaps } from '../../../shared/lesions/rescoreWithLesionMaps.js';

const d = candidateFeatureNames.length;
const index = (name: (typeof candidateFeatureNames)[number]) => candidateFeatureNames.indexOf(name);

/** 20×20 maps at stride 2 over a 40×40 normalised image. */
function context(paint: (m: Record<'MA' | 'HE' | 'EX' | 'SE', Float32Array>) => void, green?: (x: number, y: number) => number): CandidateContext {
  const m = { MA: new Float32Array(400), HE: new Float32Array(400), EX: new Float32Array(400), SE: new Float32Array(400) };
  paint(m);
  const g = new Float32Array(1600);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) g[y * 40 + x] = green ? green(x, y) : 100;
  return { maps: { width: 20, height: 20, stride: 2, maps: m }, green: { width: 40, height: 40, data: g }, circle: { cx: 20, cy: 20, radius: 20 }, disc: { x: 0, y: 20, radius: 5 } };
}

function ranker(dark: Partial<Record<(typeof candidateFeatureNames)[number], number>>, bias = 0): CandidateRanker {
  const weights = candidateFeatureNames.map((n) => dark[n] ?? 0);
  const model = { mean: new Array<number>(d).fill(0), sd: new Array<number>(d).fill(1), weights, bias };
  return { schemaVersion: 1, kind: 'lesion-candidate-ranker', features: [...candidateFeatureNames], dark: model, bright: model };
}

describe('candidateFeatures', () => {
  it('tells a round dot from a line of the same probability, and measures position exactly', () => {
    const dot = context((m) => { for (let y = 9; y <= 11; y++) for (let x = 9; x <= 11; x++) m.MA[y * 20 + x] = 0.9; });
    const line = context((m) => { for (let x = 2; x <= 18; x++) m.MA[10 * 20 + x] = 0.9; });
    const c = { kind: 'dark' as const, x: 20.5, y: 20.5, radius: 3, score: 0.9, source: 'map' as const };
    const fDot = candidateFeatures(c, dot), fLine = candidateFeatures(c, line);
    expect(fDot).toHaveLength(d);
    expect(fDot[index('elongation')]).toBeCloseTo(0, 6);
    expect(fLine[index('elongation')]!).toBeGreaterThan(2);
    expect(fDot[index('areaFraction')]).toBeCloseTo(9 / 169, 6);
    expect(fDot[index('logitScore')]).toBeCloseTo(Math.log(9), 6);
    expect(fDot[index('logitClassB')]).toBe(-12);
    expect(fDot[index('rimDistance')]).toBeCloseTo(Math.hypot(0.5, 0.5) / 20, 9);
    expect(fDot[index('discDistance')]).toBeCloseTo(Math.hypot(20.5, 0.5) / 10, 9);
    expect(fDot[index('fromFrst')]).toBe(0);
    expect(fDot[index('logRadius')]).toBeCloseTo(Math.log(3), 9);
  });

  it('gives a dark centre positive contrast for a dark candidate and negative for a bright one', () => {
    const ctx = context(() => undefined, (x, y) => (Math.hypot(x - 20, y - 20) <= 1.5 ? 60 : 100));
    const c = { x: 20, y: 20, radius: 1, score: 0.5, source: 'frst' as const };
    const dark = candidateFeatures({ ...c, kind: 'dark' }, ctx), bright = candidateFeatures({ ...c, kind: 'bright' }, ctx);
    expect(dark[index('contrast')]).toBeCloseTo(40, 6);
    expect(bright[index('contrast')]).toBeCloseTo(-40, 6);
    expect(dark[index('fromFrst')]).toBe(1);
  });
});

describe('rescoreWithLesionMaps with a ranker', () => {
  it('puts a round dot above a more probable line when the ranker penalises elongation, keeping the map score', () => {
    const ctx = context((m) => {
      for (let x = 2; x <= 8; x++) m.MA[4 * 20 + x] = 0.99;
      for (let y = 13; y <= 15; y++) for (let x = 13; x <= 15; x++) m.MA[y * 20 + x] = y === 14 && x === 14 ? 0.8 : 0.6;
    });
    const mask = { width: 40, height: 40, data: new Uint8Array(1600).fill(1) };
    const { maps, ...rest } = ctx;
    const plain = rescoreWithLesionMaps([], maps, mask, { context: rest });
    expect(plain[0]!.score).toBe(0.99);
    const ranked = rescoreWithLesionMaps([], maps, mask, { context: rest, ranker: ranker({ elongation: -5, logitScore: 1 }) });
    expect(ranked[0]).toMatchObject({ x: 28.5, y: 28.5, mapScore: 0.8 });
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
    const withFeatures = rescoreWithLesionMaps([], maps, mask, { context: rest, keepFeatures: true });
    expect(Object.keys(withFeatures[0]!.features!)).toEqual([...candidateFeatureNames]);
    expect(withFeatures[0]!.score).toBe(0.99);
  });
});

describe('fitLogistic', () => {
  it('recovers the coefficients of a known logistic model', () => {
    // Deterministic pseudo-random rows: x1 uniform on [-2, 2], x2 uniform on [0, 4]; p = σ(0.5 + 2 x1 − x2).
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const rows: number[][] = [], labels: (0 | 1)[] = [];
    for (let i = 0; i < 20000; i++) {
      const x1 = next() * 4 - 2, x2 = next() * 4;
      rows.push([x1, x2]);
      labels.push(next() < 1 / (1 + Math.exp(-(0.5 + 2 * x1 - x2))) ? 1 : 0);
    }
    const m = fitLogistic(rows, labels, { l2: 0 });
    // On standardised features the weights are the raw ones times the feature's sd.
    expect(m.weights[0]! / m.sd[0]!).toBeCloseTo(2, 0);
    expect(m.weights[1]! / m.sd[1]!).toBeCloseTo(-1, 0);
    expect(Math.abs(m.weights[0]! / m.sd[0]! - 2)).toBeLessThan(0.15);
    expect(Math.abs(m.weights[1]! / m.sd[1]! + 1)).toBeLessThan(0.1);
    const rawBias = m.bias - m.weights[0]! * (m.mean[0]! / m.sd[0]!) - m.weights[1]! * (m.mean[1]! / m.sd[1]!);
    expect(Math.abs(rawBias - 0.5)).toBeLessThan(0.15);
  });

  it('gives a constant feature weight 0 and shrinks weights with the penalty', () => {
    const rows = [[1, 0], [1, 1], [1, 2], [1, 3], [1, 0.5], [1, 2.5]];
    const labels: (0 | 1)[] = [0, 0, 1, 1, 0, 1];
    const loose = fitLogistic(rows, labels, { l2: 0.1 }), tight = fitLogistic(rows, labels, { l2: 100 });
    expect(loose.weights[0]).toBe(0);
    expect(loose.sd[0]).toBe(1);
    expect(Math.abs(tight.weights[1]!)).toBeLessThan(Math.abs(loose.weights[1]!));
  });
});

describe('CandidateRanker files', () => {
  const fixture = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'tiny-lesion-model');
  const temps: string[] = [];
  afterAll(async () => { for (const t of temps) await rm(t, { recursive: true, force: true }); });
  const codeOf = (f: () => unknown): string => { try { f(); } catch (e) { return isDrgradeError(e) ? e.code : `untyped: ${String(e)}`; } return 'no error'; };

  it('refuses a ranker fitted on other features, a zero sd or a missing bias', () => {
    const good = ranker({ logitScore: 1 });
    expect(validateCandidateRanker(JSON.parse(JSON.stringify(good)))).toEqual(good);
    expect(codeOf(() => validateCandidateRanker({ ...good, features: [...candidateFeatureNames].reverse() }))).toBe('MODEL_MANIFEST_INVALID');
    expect(codeOf(() => validateCandidateRanker({ ...good, dark: { ...good.dark, sd: new Array(d).fill(0) } }))).toBe('MODEL_MANIFEST_INVALID');
    expect(codeOf(() => validateCandidateRanker({ ...good, bright: { ...good.bright, bias: 'x' } }))).toBe('MODEL_MANIFEST_INVALID');
    expect(rankCandidate(good, 'dark', candidateFeatureNames.map((n) => (n === 'logitScore' ? 2 : 0)))).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
  });

  it('is loaded beside a lesion model, and a bad one fails the load loudly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lesion-ranker-'));
    temps.push(dir);
    for (const f of ['model.onnx', 'model.json']) await copyFile(join(fixture, f), join(dir, f));
    const none = await LesionModel.load(dir);
    expect(none.ranker).toBeNull();
    expect(none.scoringIdentity).toBe(none.manifest.sha256);
    await none.release();
    await writeFile(join(dir, 'ranker.json'), JSON.stringify(ranker({ logitScore: 1 })));
    const withRanker = await LesionModel.load(dir);
    expect(withRanker.ranker?.dark.weights[0]).toBe(1);
    expect(withRanker.scoringIdentity).toMatch(new RegExp(`^${withRanker.manifest.sha256}\\+ranker:[0-9a-f]{64}$`));
    await withRanker.release();
    await writeFile(join(dir, 'ranker.json'), JSON.stringify({ ...ranker({}), features: ['logitScore'] }));
    const code = await LesionModel.load(dir).then(() => 'no error', (e: unknown) => (isDrgradeError(e) ? e.code : String(e)));
    expect(code).toBe('MODEL_MANIFEST_INVALID');
  });
});
