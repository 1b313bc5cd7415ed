import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run as drift } from '../../../cli/commands/drift.js';
import { run as driftReference } from '../../../cli/commands/drift-reference.js';
import type { GradeResult } from '../../../shared/grading/GradeResult.js';
import { mulberry32 } from '../../../shared/synth/mulberry32.js';
import { captureStdout } from '../../helpers/captureStdout.js';
import { resultFixture } from '../../helpers/resultFixtures.js';

describe('drgrade drift-reference and drift (in-process)', () => {
  let dir: string;
  const random = mulberry32(11);
  const photo = (colourShift: number, camera: string): GradeResult => {
    const r = resultFixture({ grade: ([0, 0, 1, 2, 3] as const)[Math.floor(random() * 5)]!, qualityScore: 0.6 + 0.3 * random(), dicom: { manufacturer: 'Acme', model: camera } });
    return { ...r, quality: { ...r.quality!, metrics: { sourceMinSidePx: 1000 + Math.round(40 * random()), meanLuminance: 90 + 20 * random(), redGreenRatio: 1.8 + 0.4 * random() + colourShift, redBlueRatio: 10 + 4 * random() } } };
  };
  const write = async (path: string, result: GradeResult) => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), JSON.stringify(result));
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drgrade-drift-'));
    for (let i = 0; i < 300; i++) await write(`reference/r${i}.result.json`, photo(0, 'A1'));
    for (let i = 0; i < 60; i++) {
      await write(`results/siteA/p${i}/left/f.result.json`, photo(0, 'A1'));
      await write(`results/siteB/p${i}/left/f.result.json`, photo(0.5, 'B2'));
    }
    // Exam results and foreign JSON are not photograph results.
    await writeFile(join(dir, 'results/siteA/p0/exam.result.json'), JSON.stringify({ exam: {} }));
    await writeFile(join(dir, 'results/siteA/notes.result.json'), '{not json');
  });

  it('builds reference statistics from result JSONs', async () => {
    const r = await captureStdout(driftReference, ['--results', join(dir, 'reference'), '--out', join(dir, 'reference.json'), '--description', 'test reference']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ n: 300, skipped: 0 });
  });

  it('--by site --json: groups with key, n, ungradableRate, referableRate, psi and alarm; flags the colour-shifted site only', async () => {
    const r = await captureStdout(drift, ['--results', join(dir, 'results'), '--by', 'site', '--reference', join(dir, 'reference.json'), '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { skipped: number; groups: { key: string; n: number; ungradableRate: number; referableRate: number; psi: number; alarm: boolean; alarmFeatures: string[] }[] };
    expect(report.skipped).toBe(1);
    expect(report.groups.map((g) => [g.key, g.n, g.alarm])).toEqual([['siteA', 60, false], ['siteB', 60, true]]);
    for (const g of report.groups) for (const k of ['ungradableRate', 'referableRate', 'psi'] as const) expect(typeof g[k]).toBe('number');
    expect(report.groups[1]!.alarmFeatures).toContain('redGreenRatio');
  });

  it('--by camera groups by DICOM manufacturer and model', async () => {
    const r = await captureStdout(drift, ['--results', join(dir, 'results'), '--by', 'camera', '--reference', join(dir, 'reference.json'), '--json']);
    const report = JSON.parse(r.stdout) as { groups: { key: string; alarm: boolean }[] };
    expect(report.groups.map((g) => [g.key, g.alarm])).toEqual([['Acme A1', false], ['Acme B2', true]]);
  });

  it('refuses an unknown --by', async () => {
    await expect(captureStdout(drift, ['--results', dir, '--by', 'country'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
