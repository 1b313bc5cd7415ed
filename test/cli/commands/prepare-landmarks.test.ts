import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../cli/commands/prepare-landmarks.js';
import { decodeImage } from '../../../shared/image/decodeImage.js';
import { encodePng } from '../../../shared/image/encodeImage.js';
import { landmarkInputPx } from '../../../shared/landmarks/landmarkModelInput.js';
import { synthFundus } from '../../../shared/synth/synthFundus.js';
import { captureStdout } from '../../helpers/captureStdout.js';

const temps: string[] = [];
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))); });

describe('drgrade prepare-landmarks (in-process)', () => {
  it('writes the 256 px model input and the expert landmarks moved into its pixels; skips duplicates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drgrade-prepare-landmarks-'));
    temps.push(dir);
    const photo = synthFundus({ seed: 7, width: 800, grade: 0 });
    await writeFile(join(dir, 'IDRiD_001.png'), await encodePng(photo.image));
    await writeFile(join(dir, 'IDRiD_002.png'), await encodePng(photo.image));
    const { opticDisc: d, fovea: f, fov } = photo.truth;
    await writeFile(join(dir, 'labels.csv'), [
      'image,od_x,od_y,fovea_x,fovea_y,duplicate_of',
      `IDRiD_001.png,${d.x},${d.y},${f.x},${f.y},`,
      `IDRiD_002.png,${d.x},${d.y},${f.x},${f.y},IDRiD_001.png`,
    ].join('\n'));
    const out = join(dir, 'out');
    const r = await captureStdout(run, ['--images', dir, '--labels', join(dir, 'labels.csv'), '--out', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ written: 1, skipped: 0 });
    const lines = (await readFile(join(out, 'landmarks.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    const row = lines[0];
    // The normalised image is the FOV circle 1024 px across in a 1065 px square: 256 px hold 0.9615 FOV diameters.
    const k = (landmarkInputPx / 1065) * (1024 / (2 * fov.radius));
    const at = (p: { x: number; y: number }) => ({ x: landmarkInputPx / 2 + (p.x - fov.cx) * k, y: landmarkInputPx / 2 + (p.y - fov.cy) * k });
    expect(row.stem).toBe('IDRiD_001');
    expect(row.side).toBe(landmarkInputPx);
    for (const [got, want] of [[row.disc, at(d)], [row.fovea, at(f)]]) {
      expect(Math.abs(got.x - want.x)).toBeLessThan(1);
      expect(Math.abs(got.y - want.y)).toBeLessThan(1);
    }
    expect(row.fovRadius).toBeCloseTo(512 * (landmarkInputPx / 1065), 0);
    expect(row.discRadius).toBeCloseTo(0.0606 * 800 * k, 0); // k from the drawn FOV; the fitted one differs by a fraction of a pixel
    expect(row.classical.disc).not.toBeNull();
    const { image } = await decodeImage(await readFile(join(out, 'IDRiD_001.png')));
    expect([image.width, image.height]).toEqual([landmarkInputPx, landmarkInputPx]);
  });

  it('asks for its three folders', async () => {
    const r = await captureStdout(run, ['--images', '/nowhere']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/prepare-landmarks --images <dir> --labels <csv> --out <dir>/);
  });
});
