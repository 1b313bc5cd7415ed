import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../shared/image/encodeImage.js';
import { LandmarkModel } from '../../shared/landmarks/LandmarkModel.js';
import { landmarkNames } from '../../shared/landmarks/LandmarkModelManifest.js';
import { landmarkInputPx } from '../../shared/landmarks/landmarkModelInput.js';
import { pickLandmarkModels } from '../../shared/landmarks/pickLandmarkModels.js';

/**
 * The landmark recipe end to end on a tiny prepared folder (what `drgrade prepare-landmarks` writes): four drawn
 * 256 px retinas with a bright disc and a dark fovea, a few steps for two folds and the final model, then the
 * exported folders through the real loader (contract, checksum), ONNX Runtime and the cross-validation picker.
 * Skipped, saying why, where Debian's PyTorch is missing.
 */
const python = '/usr/bin/python3';
const trainingDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'training');
const probe = existsSync(python) ? spawnSync(python, ['-c', 'import torch, onnx, numpy, PIL'], { encoding: 'utf8', timeout: 120_000 }) : null;
const ok = probe?.status === 0;
const title = ok ? 'trains fold and final landmark models that the loader, ONNX Runtime and the fold picker accept' : `SKIPPED: landmark recipe test needs PyTorch at ${python}`;
if (!ok) console.warn(`[landmark recipe] ${title}`);

const temps: string[] = [];
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))); });

async function preparedFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const side = landmarkInputPx, lines: string[] = [];
  for (let k = 0; k < 4; k++) {
    const disc = { x: k % 2 ? 190 : 66, y: 120 + 4 * k }, fovea = { x: k % 2 ? 100 : 156, y: 134 };
    const rgb = new Uint8Array(side * side * 3);
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
      if ((x + 0.5 - 128) ** 2 + (y + 0.5 - 128) ** 2 > 123 * 123) continue;
      const v = Math.hypot(x - disc.x, y - disc.y) < 18 ? [240, 200, 120] : Math.hypot(x - fovea.x, y - fovea.y) < 12 ? [110, 50, 15] : [160, 80, 25];
      rgb.set(v, (y * side + x) * 3);
    }
    const stem = `IDRiD_00${k + 1}`;
    await writeFile(join(dir, `${stem}.png`), await encodePng({ width: side, height: side, data: rgb }));
    lines.push(JSON.stringify({ stem, side, disc, fovea, discRadius: 18.7, fovRadius: 123, classical: { disc, fovea: null } }));
  }
  await writeFile(join(dir, 'landmarks.jsonl'), `${lines.join('\n')}\n`);
}

describe('landmark recipe (python -m drgrade_train train-landmarks)', () => {
  it.skipIf(!ok)(ok ? 'passes the augmentation, target and decoder unit tests (test_landmark_data.py)' : title, async () => {
    const result = await promisify(execFile)(python, [join(trainingDir, 'tests', 'test_landmark_data.py')], { cwd: trainingDir, timeout: 120_000 })
      .catch((error: { stdout?: string; stderr?: string; message: string }) => { throw new Error(`test_landmark_data.py failed: ${error.message}\n${error.stderr ?? ''}`); });
    expect(result.stderr).toMatch(/Ran 8 tests[\s\S]*\nOK\s*$/);
  }, 150_000);

  it.skipIf(!ok)(title, async () => {
    const work = await mkdtemp(join(tmpdir(), 'drgrade-landmark-recipe-'));
    temps.push(work);
    await preparedFolder(join(work, 'prepared'));
    const out = join(work, 'out');
    await promisify(execFile)(python, ['-m', 'drgrade_train', 'train-landmarks', '--prepared', join(work, 'prepared'), '--out', out,
      '--fold', 'all', '--folds', '2', '--steps', '3', '--batch', '2', '--threads', '1'], { cwd: trainingDir, timeout: 280_000, maxBuffer: 16 << 20 })
      .catch((error: { stdout?: string; stderr?: string; message: string }) => { throw new Error(`train-landmarks failed: ${error.message}\n${error.stderr ?? ''}`); });
    // Out of fold: each fold folder lists its held-out photographs' predictions; summary.json pools them.
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ folds: [0, 1], images: 4, disc: { classicalWithinDiscRadius: 1 }, fovea: { classicalWithinDiscRadius: 0 } });
    for (const name of ['fold-0', 'fold-1', 'final']) {
      const model = await LandmarkModel.load(join(out, name));
      try {
        expect(model.manifest.labels).toEqual([...landmarkNames]);
        expect(model.manifest.training.fold).toBe(name === 'final' ? 'final' : name.slice(5));
        expect(model.manifest.training.heldOut).toEqual(name === 'fold-0' ? ['IDRiD_001', 'IDRiD_002'] : name === 'fold-1' ? ['IDRiD_003', 'IDRiD_004'] : []);
        expect(model.manifest.training.steps).toBe(3);
        const found = await model.predict({ width: 512, height: 512, data: new Uint8Array(512 * 512 * 3).fill(90) });
        for (const l of landmarkNames) {
          expect(found[l].x).toBeGreaterThanOrEqual(0);
          expect(found[l].x).toBeLessThanOrEqual(512);
          expect(found[l].mass + found[l].absent).toBeLessThanOrEqual(1 + 1e-6);
        }
      } finally {
        await model.release();
      }
    }
    const picker = await pickLandmarkModels({ 'landmark-cv': out });
    expect((picker.pick('IDRiD_003') as LandmarkModel).manifest.training.fold).toBe('1');
    expect(picker.pick('IDRiD_009')).toBe('skip');
  }, 300_000);
});
