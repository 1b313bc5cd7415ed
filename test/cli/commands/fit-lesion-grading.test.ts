import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrtGrader } from '../../../shared/grading/OrtGrader.js';
import { readLesionGrading } from '../../../shared/grading/LesionGrading.js';
import { LesionModel } from '../../../shared/lesions/LesionModel.js';
import { gradePhotograph } from '../../../shared/pipeline/gradePhotograph.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';
import { syntheticFundusJpeg } from '../../helpers/imageBytes.js';

const run = promisify(execFile);
const cli = join(process.cwd(), 'bin', 'drgrade.js');

/** A lesion summary whose burden grows with the grade (plus seeded jitter). */
function summary(grade: number, i: number) {
  const j = (k: number) => Math.abs(Math.sin(i * 7.1 + k));
  const area = (scale: number) => ({ macula: scale * j(1), posterior: scale * j(2), periphery: scale * j(3) });
  return {
    burden: { area: { MA: area(grade), HE: area(grade * grade * 0.5), EX: area(grade * 0.7), SE: area(grade > 2 ? 1 : 0) }, peak: { MA: 0.2 * grade * j(4), HE: 0.2 * grade, EX: 0.1 * grade, SE: 0 } },
    counts: { MA: { at50: grade * 2, at20: grade * 3 }, HE: { at50: grade, at20: grade * 2 }, EX: { at50: Math.round(grade * j(5)), at20: grade }, SE: { at50: 0, at20: 0 } },
    redQuadrants: Math.min(4, grade), redQuadrants3: grade >= 3 ? 4 : 0,
  };
}

describe('drgrade fit-lesion-grading (the built CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drgrade-lesion-grading-'));
    const rows = ['image,dr_grade_icdr,dme_risk,duplicate_of'];
    const cache: string[] = [];
    for (let i = 0; i < 80; i++) {
      const grade = i % 5;
      rows.push(`P_${i}.jpg,${grade},0,`);
      cache.push(JSON.stringify({ sha256: 'x', stem: `P_${i}`, sample: { group: `P_${i}`, grade, dmeLabel: 0, fovea: null, discDiameter: null, candidates: [], summary: summary(grade, i) } }));
    }
    await writeFile(join(dir, 'labels.csv'), `${rows.join('\n')}\n`);
    await writeFile(join(dir, 'cache.jsonl'), `${cache.join('\n')}\n`);
  });

  it('prints out-of-fold figures, exports the features with their folds and writes a lesion grading the grader accepts', async () => {
    const { stdout } = await run(process.execPath, [cli, 'fit-lesion-grading', '--cache', join(dir, 'cache.jsonl'), '--labels', join(dir, 'labels.csv'),
      '--write', join(dir, 'lesion-grading.json'), '--export-features', join(dir, 'features.csv'), '--json']);
    const out = JSON.parse(stdout);
    expect(out.photographs).toBe(80);
    expect(out.referable.auc).toBeGreaterThan(0.9);
    expect(out.operatingPoints.map((p: { name: string }) => p.name)).toEqual(['sensitivity_0.95', 'sensitivity_0.90', 'specificity_0.90', 'specificity_0.95']);
    const csv = (await readFile(join(dir, 'features.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(81);
    expect(csv[0]!.split(',').slice(0, 4)).toEqual(['image', 'group', 'grade', 'fold']);
    const grading = await readLesionGrading(dir);
    expect(grading?.operatingPoints.default).toBe('sensitivity_0.95');

    // The written lesion grading joins the CNN in gradePhotograph: the result says so and carries the uncertainty.
    const grader = await OrtGrader.create(tinyModelDir);
    const lesionModel = await LesionModel.load(join(process.cwd(), 'test', 'fixtures', 'tiny-lesion-model'));
    const photo = await syntheticFundusJpeg(5, { grade: 3, width: 700 });
    const { result } = await gradePhotograph(photo.bytes, { grader, lesionGrading: grading, analysis: { lesionModel } });
    expect(result.status).toBe('graded');
    expect(result.grading?.operatingPoint.name).toBe('sensitivity_0.95');
    expect(result.grading?.uncertainty?.referableSpread).toBeGreaterThanOrEqual(0);
    expect(result.grading?.combination).toBe('lesion-based grade');
    expect(result.dme).not.toBeUndefined();
    const alone = await gradePhotograph(photo.bytes, { grader, lesionGrading: null, analysis: { lesionModel } });
    expect(alone.result.grading?.uncertainty).toBeUndefined();
    await grader.close();
    await lesionModel.release();
  }, 240_000);

  it('fits one grade per JPEG band from recompressed caches, leaves out --exclude, and grades a compressed JPEG with its band', async () => {
    // The recompressed copies read as two grades worse (the false microaneurysms of compression).
    const copies = Array.from({ length: 80 }, (_, i) => JSON.stringify({ stem: `P_${i}`, sample: { summary: summary((i % 5) + 2, i + 1000) } }));
    await writeFile(join(dir, 'jpeg-50.jsonl'), `${copies.join('\n')}\n`);
    await writeFile(join(dir, 'aliases.json'), JSON.stringify(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`P_${i}`, `IDRiD_${i}`]))));
    const { stdout } = await run(process.execPath, [cli, 'fit-lesion-grading', '--cache', join(dir, 'cache.jsonl'), '--labels', join(dir, 'labels.csv'),
      '--compressed', `50=${join(dir, 'jpeg-50.jsonl')}`, '--exclude', join(dir, 'aliases.json'), '--write', join(dir, 'lesion-grading.json'), '--json']);
    const out = JSON.parse(stdout);
    expect([out.photographs, out.excluded]).toEqual([70, 10]);
    expect(out.compressed.map((c: { fittedJpegQuality: number; maxJpegQuality: number; photographs: number }) => [c.fittedJpegQuality, c.maxJpegQuality, c.photographs])).toEqual([[50, 70, 70]]);
    expect(out.compressed[0].referable.auc).toBeGreaterThan(0.9);
    const grading = (await readLesionGrading(dir))!;
    expect(grading.compressed?.map((c) => [c.fittedJpegQuality, c.maxJpegQuality])).toEqual([[50, 70]]);
    // The band's model differs from the main one: fitted on burdens two grades higher.
    expect(grading.compressed![0]!.model.weights).not.toEqual(grading.model.weights);

    const grader = await OrtGrader.create(tinyModelDir);
    const lesionModel = await LesionModel.load(join(process.cwd(), 'test', 'fixtures', 'tiny-lesion-model'));
    const photo = await syntheticFundusJpeg(5, { grade: 3, width: 700 });
    const at = async (quality: number) => (await gradePhotograph(await sharp(photo.bytes).jpeg({ quality }).toBuffer(), { grader, lesionGrading: grading, analysis: { lesionModel } })).result;
    const [q40, q95] = [await at(40), await at(95)];
    expect([Math.round(q40.quality!.metrics.jpegQuality!), Math.round(q95.quality!.metrics.jpegQuality!)]).toEqual([40, 95]);
    expect(q40.quality?.reasons).toContain('heavy_compression');
    expect([q40.grading?.combination, q95.grading?.combination]).toEqual(['lesion-based grade (model for JPEG quality 50)', 'lesion-based grade']);
    await grader.close();
    await lesionModel.release();

    const bad = await run(process.execPath, [cli, 'fit-lesion-grading', '--cache', join(dir, 'cache.jsonl'), '--labels', join(dir, 'labels.csv'), '--compressed', `95=${join(dir, 'jpeg-50.jsonl')}`]).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toMatch(/JPEG quality below 90>=<cache file> pairs .* for --compressed but received 95=/);
  }, 240_000);

  it('refuses a cache with too few photographs, saying what it expected', async () => {
    await writeFile(join(dir, 'small.jsonl'), `${JSON.stringify({ stem: 'P_1', sample: { summary: summary(1, 1) } })}\n`);
    const error = await run(process.execPath, [cli, 'fit-lesion-grading', '--cache', join(dir, 'small.jsonl'), '--labels', join(dir, 'labels.csv')]).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(error?.code).toBe(1);
    expect(error?.stderr).toMatch(/at least 25 labelled photographs/);
  });
});
