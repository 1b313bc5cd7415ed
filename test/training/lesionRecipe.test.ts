import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeGrey, encodePng } from '../../shared/image/encodeImage.js';
import { lesionClasses } from '../../shared/lesions/lesionClasses.js';
import { LesionModel } from '../../shared/lesions/LesionModel.js';

/**
 * The lesion recipe end to end on a tiny prepared folder (what `drgrade prepare-lesions` writes): two 96 px
 * photographs with drawn bright and dark blobs and their masks, a few seconds of training for one fold and the final
 * model, then the exported folders through the real loader (contract, checksum) and ONNX Runtime. Skipped, saying
 * why, where Debian's PyTorch is missing.
 */
const python = '/usr/bin/python3';
const trainingDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'training');
const probe = existsSync(python) ? spawnSync(python, ['-c', 'import torch, onnx, numpy, PIL'], { encoding: 'utf8', timeout: 120_000 }) : null;
const ok = probe?.status === 0;
const title = ok ? 'trains fold and final lesion models whose folders the lesion-model loader accepts' : `SKIPPED: lesion recipe test needs PyTorch at ${python}`;
if (!ok) console.warn(`[lesion recipe] ${title}`);

const temps: string[] = [];
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))); });

async function preparedFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const side = 96;
  for (const [k, stem] of ['P_1', 'P_2'].entries()) {
    const rgb = new Uint8Array(side * side * 3);
    const masks = Object.fromEntries(lesionClasses.map((c) => [c.code, new Uint8Array(side * side)]));
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
      const i = y * side + x;
      const inside = (x - 48) ** 2 + (y - 48) ** 2 < 46 * 46;
      const ex = (x - 30 - 5 * k) ** 2 + (y - 40) ** 2 < 16, ma = (x - 60) ** 2 + (y - 55 + 4 * k) ** 2 < 5;
      const v = !inside ? 0 : ex ? 230 : ma ? 60 : 128;
      rgb.set([v, v, Math.min(255, v + 10)], i * 3);
      if (ex) masks.EX![i] = 255;
      if (ma) masks.MA![i] = 255;
    }
    await writeFile(join(dir, `${stem}.enhanced.png`), await encodePng({ width: side, height: side, data: rgb }));
    for (const c of lesionClasses) await writeFile(join(dir, `${stem}.${c.code}.png`), await encodeGrey({ width: side, height: side, data: masks[c.code]! }));
    await writeFile(join(dir, `${stem}.json`), JSON.stringify({ stem, side, circle: { cx: 48, cy: 48, radius: 46 } }));
  }
}

describe('lesion recipe (python -m drgrade_train train-lesions)', () => {
  // The patch sampler's unit tests (training/tests/test_lesion_data.py): density-balanced lesion centres, the wide
  // camera augmentation, JPEG round trips, option checks.
  it.skipIf(!ok)(ok ? 'passes the patch sampler unit tests (test_lesion_data.py)' : title, async () => {
    const result = await promisify(execFile)(python, [join(trainingDir, 'tests', 'test_lesion_data.py')], { cwd: trainingDir, timeout: 120_000 })
      .catch((error: { stdout?: string; stderr?: string; message: string }) => { throw new Error(`test_lesion_data.py failed: ${error.message}\n${error.stderr ?? ''}`); });
    expect(result.stderr).toMatch(/Ran 12 tests[\s\S]*\nOK\s*$/);
  }, 150_000);

  it.skipIf(!ok)(title, async () => {
    const work = await mkdtemp(join(tmpdir(), 'drgrade-lesion-recipe-'));
    temps.push(work);
    await preparedFolder(join(work, 'prepared'));
    const out = join(work, 'out');
    await promisify(execFile)(python, ['-m', 'drgrade_train', 'train-lesions', '--prepared', join(work, 'prepared'), '--out', out,
      '--fold', 'all', '--folds', '2', '--minutes', '0.05', '--patch', '64', '--batch', '2', '--threads', '1'], { cwd: trainingDir, timeout: 280_000, maxBuffer: 16 << 20 })
      .catch((error: { stdout?: string; stderr?: string; message: string }) => { throw new Error(`train-lesions failed: ${error.message}\n${error.stderr ?? ''}`); });
    for (const name of ['fold-0', 'fold-1', 'final']) {
      const model = await LesionModel.load(join(out, name));
      try {
        expect(model.manifest.labels).toEqual(lesionClasses.map((c) => c.code));
        expect(model.manifest.training.fold).toBe(name === 'final' ? 'final' : name.slice(5));
        expect((model.manifest.training.heldOut as string[]).length).toBe(name === 'final' ? 0 : 1);
        // The recipe writes inferenceScale 1.4: a 40 px image is read at 56 px, maps of 28 at stride 40 / 56 × 2.
        expect(model.manifest.preprocessing.inferenceScale).toBe(1.4);
        const maps = await model.predict({ width: 40, height: 40, data: new Uint8Array(40 * 40 * 3).fill(128) });
        expect([maps.width, maps.height]).toEqual([28, 28]);
        expect(maps.stride).toBeCloseTo(80 / 56, 12);
      } finally {
        await model.release();
      }
    }
  }, 300_000);
});
