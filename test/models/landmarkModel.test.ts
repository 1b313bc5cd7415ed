import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../../shared/image/RgbImage.js';
import { defaultLandmarkModelDir, LandmarkModel } from '../../shared/landmarks/LandmarkModel.js';

const size = 256, fovRadius = 120;

/** A drawn retina (as in test/shared/landmarks/findLandmarks.test.ts): pale disc with vessels, dark fovea; `tint` scales each channel. */
function drawnRetina(disc: { x: number; y: number }, fovea: { x: number; y: number }, tint: readonly number[] = [1, 1, 1]): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    if ((x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 > fovRadius * fovRadius) continue;
    let rgb = [150, 75, 20];
    if (Math.hypot(x - disc.x, y - disc.y) <= 18) rgb = [235, 185, 95];
    const f = Math.hypot(x - fovea.x, y - fovea.y);
    if (f < 12) rgb = rgb.map((v) => v * (0.7 + (0.3 * f) / 12));
    if ([-9, 0, 9].some((dx) => Math.abs(x - (disc.x + dx + 0.05 * (y - disc.y))) < 1.5) && Math.abs(y - disc.y) < 70) rgb = rgb.map((v) => v * 0.6);
    data.set(rgb.map((v, c) => Math.min(255, Math.round(v * tint[c]!))), (y * size + x) * 3);
  }
  return { width: size, height: size, data };
}

describe('the shipped landmark model (models/landmarks)', () => {
  let model: LandmarkModel;
  const temps: string[] = [];
  beforeAll(async () => { model = await LandmarkModel.load(defaultLandmarkModelDir()); });
  afterAll(async () => { await model.release(); await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))); });

  it('passes the landmark-model contract: final fold, attribution, disclaimer', () => {
    expect(model.manifest.training.fold).toBe('final');
    expect(model.manifest.training.license).toMatch(/CC BY 4\.0/);
    expect(model.manifest.training.attribution).toMatch(/Porwal/);
    expect(model.manifest.description).toMatch(/Research use only/);
  });

  it.each([
    ['right eye', { x: 200, y: 126 }, { x: 108, y: 138 }],
    ['left eye', { x: 56, y: 126 }, { x: 148, y: 138 }],
  ])('finds disc and fovea of a drawn %s retina, and the same under another white balance', async (_eye, disc, fovea) => {
    for (const tint of [[1, 1, 1], [0.6, 1.3, 1.6]]) {
      const found = await model.predict(drawnRetina(disc, fovea, tint));
      expect(Math.hypot(found.disc.x - disc.x, found.disc.y - disc.y)).toBeLessThan(8);
      expect(Math.hypot(found.fovea.x - fovea.x, found.fovea.y - fovea.y)).toBeLessThan(8);
    }
  });

  it('fails loudly on a checksum mismatch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drgrade-landmark-model-'));
    temps.push(dir);
    await cp(defaultLandmarkModelDir(), dir, { recursive: true });
    const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...manifest, sha256: '0'.repeat(64) }));
    await expect(LandmarkModel.load(dir)).rejects.toMatchObject({ code: 'MODEL_CHECKSUM_MISMATCH' });
  });

  it('refuses a normalised image that is not square', async () => {
    await expect(model.predict({ width: 4, height: 2, data: new Uint8Array(24) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
