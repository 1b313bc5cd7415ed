import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../cli/commands/evaluate.js';
import { isDrgradeError } from '../../../shared/errors.js';
import { handCases } from '../../shared/evaluation/evaluationFixture.js';

/** Runs the command in-process and returns its exit code and what it wrote to stdout. */
async function runCaptured(args: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await run(args);
    return { code, stdout: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drgrade-evaluate-'));
  await mkdir(join(dir, 'results'));
  const rows = ['image,dr_grade_icdr,dme_risk', ...handCases.map((c) => `${c.image}.jpg,${c.truthGrade},0`), 'unmatched.jpg,1,0'];
  await writeFile(join(dir, 'labels.csv'), `${rows.join('\n')}\n`);
  for (const c of handCases) await writeFile(join(dir, 'results', `${c.image}.result.json`), JSON.stringify({ ...c.result, disclaimer: 'x', lesions: [] }));
  await writeFile(join(dir, 'results', 'extra.result.json'), JSON.stringify({ status: 'rejected', grading: null }));
  await mkdir(join(dir, 'model'));
  await writeFile(join(dir, 'model', 'model.json'), '{}');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('drgrade evaluate', () => {
  it('prints the evaluation JSON for labels matched by file stem', async () => {
    const { code, stdout } = await runCaptured(['--labels', join(dir, 'labels.csv'), '--results', join(dir, 'results'), '--json', '--resamples', '200']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(stdout);
    expect(report.images).toBe(8);
    expect(report.ungradable).toBe(2);
    expect(report.referable.auc).toBeCloseTo(8 / 9, 12);
    expect(report.referable.aucCi95[0]).toBeLessThanOrEqual(8 / 9);
    expect(report.fiveClass.accuracy).toBe(0.5);
    expect(report.tasks.noDrVsNonSightThreatening.n).toBe(4);
  });

  it('writes charts as SVG and PNG, the JSON and an HTML page with --out', async () => {
    const out = join(dir, 'report');
    const { code } = await runCaptured(['--labels', join(dir, 'labels.csv'), '--results', join(dir, 'results'), '--out', out, '--json', '--resamples', '50']);
    expect(code).toBe(0);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['confusion-matrix.png', 'confusion-matrix.svg', 'evaluation.html', 'evaluation.json', 'precision-recall.png',
      'precision-recall.svg', 'reliability.png', 'reliability.svg', 'roc.png', 'roc.svg']);
    const svg = await readFile(join(out, 'roc.svg'), 'utf8');
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const png = await sharp(join(out, 'roc.png')).metadata();
    expect(png.format).toBe('png');
    expect(png.width).toBe(width * 2);
    const html = await readFile(join(out, 'evaluation.html'), 'utf8');
    expect(html).toContain('data-testid="chart-reliability"><svg');
    expect(JSON.parse(await readFile(join(out, 'evaluation.json'), 'utf8')).images).toBe(8);
  });

  it('reports the operating points of a model manifest with --model', async () => {
    const model = join(import.meta.dirname, '..', '..', 'fixtures', 'tiny-model');
    const { stdout } = await runCaptured(['--labels', join(dir, 'labels.csv'), '--results', join(dir, 'results'), '--model', model, '--json', '--resamples', '20']);
    // P(referable) [0.1, 0.2, 0.7, 0.9, 0.4, 0.6] for truth [0, 1, 2, 3, 4, 0].
    expect(JSON.parse(stdout).operatingPoints).toEqual([
      { name: 'high-sensitivity', threshold: 0.2, sensitivity: 1, specificity: 1 / 3 },
      { name: 'high-specificity', threshold: 0.6, sensitivity: 2 / 3, specificity: 2 / 3 },
    ]);
  });

  it('refuses a model folder whose manifest is invalid, and labels without a grade column', async () => {
    await expect(run(['--labels', join(dir, 'labels.csv'), '--results', join(dir, 'results'), '--model', join(dir, 'model')]))
      .rejects.toSatisfy((e) => isDrgradeError(e, 'MODEL_MANIFEST_INVALID'));
    await writeFile(join(dir, 'bad.csv'), 'image,grade\na.jpg,1\n');
    await expect(run(['--labels', join(dir, 'bad.csv'), '--results', join(dir, 'results')])).rejects.toSatisfy((e) => isDrgradeError(e, 'INVALID_ARGUMENT'));
    await writeFile(join(dir, 'bad2.csv'), 'image,dr_grade_icdr\na.jpg,7\n');
    await expect(run(['--labels', join(dir, 'bad2.csv'), '--results', join(dir, 'results')])).rejects.toSatisfy((e) => isDrgradeError(e, 'INVALID_ARGUMENT'));
  });
});
