import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';
import { ordinaryPhotoJpeg, syntheticFundusJpeg } from '../../helpers/imageBytes.js';

const run = promisify(execFile);
const cli = join(process.cwd(), 'bin', 'drgrade.js');

describe('drgrade grade (the built CLI, a real ORT session)', () => {
  let dir: string;
  let out: string;
  let stdout: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drgrade-grade-'));
    await mkdir(join(dir, 'in', 'sub'), { recursive: true });
    await writeFile(join(dir, 'in', 'a.jpg'), (await syntheticFundusJpeg(31, { grade: 3, width: 800 })).bytes);
    await writeFile(join(dir, 'in', 'sub', 'street.jpg'), await ordinaryPhotoJpeg());
    await writeFile(join(dir, 'in', 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    out = join(dir, 'out');
    ({ stdout } = await run(process.execPath, [cli, 'grade', join(dir, 'in'), '--out', out, '--model', tinyModelDir]));
  }, 120_000);

  it('writes one result per input with the fixed keys, never stopping on a bad input', async () => {
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ images: 3, graded: 1, ungradable: 1, rejected: 1 });
    const a = JSON.parse(await readFile(join(out, 'a.result.json'), 'utf8'));
    expect(a.status).toBe('graded');
    expect(a.grading.probabilities.reduce((s: number, p: number) => s + p, 0)).toBeCloseTo(1, 3);
    expect([0, 1, 2, 3, 4]).toContain(a.grading.grade);
    expect(typeof a.grading.referable).toBe('boolean');
    expect(a.provenance.model).toMatchObject({ name: 'drgrade-tiny' });
    expect(a.provenance.executionProvider).toBe('cpu');
    const street = JSON.parse(await readFile(join(out, 'street.result.json'), 'utf8'));
    expect(street.status).toBe('ungradable');
    const broken = JSON.parse(await readFile(join(out, 'broken.result.json'), 'utf8'));
    expect(broken.status).toBe('rejected');
    expect(broken.error.code).toBe("CORRUPT_IMAGE");
    expect(broken.disclaimer).toMatch(/Research use only/);
  });

  it('writes summary.csv, reports and an index that links them', async () => {
    const csv = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]!.split(',').slice(0, 4)).toEqual(['image', 'file', 'status', 'grade']);
    expect(csv).toHaveLength(4);
    const index = await readFile(join(out, 'index.html'), 'utf8');
    for (const stem of ['a', 'street', 'broken']) expect(index).toContain(`${stem}.report.html`);
    expect(await readFile(join(out, 'a.report.html'), 'utf8')).toMatch(/Research use only/);
  });

  it('--resume reuses results made by the same model', async () => {
    const before = await readFile(join(out, 'a.result.json'), 'utf8');
    await run(process.execPath, [cli, 'grade', join(dir, 'in', 'a.jpg'), '--out', out, '--model', tinyModelDir, '--resume']);
    expect(await readFile(join(out, 'a.result.json'), 'utf8')).toBe(before);
  });
});
