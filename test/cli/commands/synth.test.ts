import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../cli/commands/synth.js';
import { isDrgradeError } from '../../../shared/errors.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('drgrade synth', () => {
  it('writes photographs, masks and a labels CSV whose rows match the generator', async () => {
    const out = await mkdtemp(join(tmpdir(), 'drgrade-synth-'));
    dirs.push(out);
    expect(await run(['--count', '6', '--out', out, '--seed', '100', '--size', '160', '--masks'])).toBe(0);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['labels.csv', 'masks', ...Array.from({ length: 6 }, (_, i) => `synth_000${i + 1}.png`)]);
    const [header, ...rows] = (await readFile(join(out, 'labels.csv'), 'utf8')).trim().split('\n');
    expect(header!.split(',').slice(0, 6)).toEqual(['image', 'dr_grade_icdr', 'od_x', 'od_y', 'fovea_x', 'fovea_y']);
    expect(rows.map((r) => Number(r.split(',')[1]))).toEqual([0, 1, 2, 3, 4, 0]);

    const third = synthFundus({ seed: 102, width: 160, grade: 2 });
    const cells = rows[2]!.split(',');
    expect(Number(cells[2])).toBeCloseTo(third.truth.opticDisc.x, 1);
    expect(Number(cells[5])).toBeCloseTo(third.truth.fovea.y, 1);
    const { data, info } = await sharp(join(out, 'synth_0003.png')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([160, 120, 3]);
    expect(Buffer.compare(data, Buffer.from(third.image.data))).toBe(0);

    const od = await sharp(join(out, 'masks', 'OD', 'synth_0003_OD.png')).greyscale().raw().toBuffer();
    const { x, y } = third.truth.opticDisc;
    expect(od[Math.round(y) * 160 + Math.round(x)]).toBe(255);
    expect(od[0]).toBe(0);
  });

  it('refuses a missing --out and a bad --count with INVALID_ARGUMENT', async () => {
    await expect(run(['--count', '2'])).rejects.toSatisfy((e) => isDrgradeError(e, 'INVALID_ARGUMENT'));
    await expect(run(['--count', 'x', '--out', tmpdir()])).rejects.toSatisfy((e) => isDrgradeError(e, 'INVALID_ARGUMENT'));
  });
});
