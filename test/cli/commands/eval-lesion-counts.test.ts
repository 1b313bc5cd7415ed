import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../cli/commands/eval-lesion-counts.js';
import { captureStdout } from '../../helpers/captureStdout.js';
import { isDrgradeError } from '../../../shared/errors.js';
import { encodeJpeg } from '../../../shared/image/encodeImage.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const capture = (args: string[]) => captureStdout(run, args);

describe('drgrade eval-lesion-counts', () => {
  it('scores synthetic grade-0 photographs against synthetic grade-3 ones (resized to the healthy width)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drgrade-counts-'));
    dirs.push(dir);
    const labels = ['image,dr_grade_icdr,duplicate_of'];
    for (const seed of [1, 2, 3]) {
      await writeFile(join(dir, `h${seed}.jpg`), await encodeJpeg(synthFundus({ seed, width: 640, grade: 0 }).image, { quality: 92 }));
      labels.push(`h${seed}.jpg,0,`);
    }
    labels.push('h1.jpg,0,h1.jpg', 'sick.jpg,3,'); // a duplicate and a diseased row: neither joins the healthy set
    await writeFile(join(dir, 'labels.csv'), `${labels.join('\n')}\n`);
    const summary = ['image,MA_n,HE_n,EX_n'];
    for (const seed of [11, 12]) {
      const s = synthFundus({ seed, width: 960, grade: 3 });
      await writeFile(join(dir, `l${seed}.jpg`), await encodeJpeg(s.image, { quality: 92 }));
      const count = (c: string) => s.truth.lesions.filter((l) => l.class === c).length;
      summary.push(`l${seed}.jpg,${count('microaneurysm')},${count('haemorrhage')},${count('exudate')}`);
    }
    await writeFile(join(dir, 'summary.csv'), `${summary.join('\n')}\n`);
    const { code, stdout } = await capture(['--healthy', dir, '--labels', join(dir, 'labels.csv'), '--lesions', dir, '--summary', join(dir, 'summary.csv'), '--json']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { healthyImages: number; lesionImages: number; width: number; classes: Record<string, { groundTruth: number; estimatedFroc: number; estimatedSensitivityAt: Record<string, number> }> };
    expect([out.healthyImages, out.lesionImages, out.width]).toEqual([3, 2, 640]);
    for (const c of ['red', 'MA', 'EX']) {
      expect(out.classes[c]!.groundTruth).toBeGreaterThan(0);
      expect(Object.keys(out.classes[c]!.estimatedSensitivityAt).map(Number).sort((a, b) => a - b)).toEqual([0.125, 0.25, 0.5, 1, 2, 4, 8]);
      expect(out.classes[c]!.estimatedFroc).toBeGreaterThanOrEqual(0);
      expect(out.classes[c]!.estimatedFroc).toBeLessThanOrEqual(1);
    }
    // Drawn exudates are bright blobs healthy synthetic retinas do not have: some are found above the healthy ones.
    expect(out.classes.EX!.estimatedSensitivityAt['8']).toBeGreaterThan(0);
  }, 120_000);

  it('refuses CSVs without the needed columns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drgrade-counts-'));
    dirs.push(dir);
    await writeFile(join(dir, 'labels.csv'), 'image,grade\nx.jpg,0\n');
    await writeFile(join(dir, 'summary.csv'), 'image,MA_n,HE_n,EX_n\n');
    const error = await run(['--healthy', dir, '--labels', join(dir, 'labels.csv'), '--lesions', dir, '--summary', join(dir, 'summary.csv')]).catch((e: unknown) => e);
    expect(isDrgradeError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(String((error as Error).message)).toMatch(/dr_grade_icdr/);
  });
});
