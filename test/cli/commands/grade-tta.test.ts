import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';
import { syntheticFundusJpeg } from '../../helpers/imageBytes.js';

const run = promisify(execFile);
const cli = join(process.cwd(), 'bin', 'drgrade.js');

describe('drgrade grade --tta (the built CLI, a real ORT session)', () => {
  let dir: string;
  const grade = (...extra: string[]) => run(process.execPath, [cli, 'grade', join(dir, 'a.jpg'), '--out', join(dir, 'out'), '--model', tinyModelDir, '--no-images', ...extra]);
  const result = async () => JSON.parse(await readFile(join(dir, 'out', 'a.result.json'), 'utf8')) as { grading: { probabilities: number[]; testTimeAugmentation?: string } };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drgrade-grade-tta-'));
    await writeFile(join(dir, 'a.jpg'), (await syntheticFundusJpeg(41, { grade: 2, width: 800 })).bytes);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records dihedral8, and --resume regrades when the TTA setting differs', async () => {
    await grade();
    const plain = await result();
    expect(plain.grading).not.toHaveProperty('testTimeAugmentation');
    await grade('--tta', '--resume');
    const augmented = await result();
    expect(augmented.grading.testTimeAugmentation).toBe('dihedral8');
    expect(augmented.grading.probabilities).not.toEqual(plain.grading.probabilities);
    const before = await readFile(join(dir, 'out', 'a.result.json'), 'utf8');
    await grade('--tta', '--resume');
    expect(await readFile(join(dir, 'out', 'a.result.json'), 'utf8')).toBe(before);
  }, 120_000);
});
