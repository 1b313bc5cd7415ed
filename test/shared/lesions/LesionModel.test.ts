import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { LesionModel } from '../../../shared/lesions/LesionModel.js';

const fixture = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'tiny-lesion-model');
const temps: string[] = [];
afterAll(async () => { for (const t of temps) await rm(t, { recursive: true, force: true }); });

async function copyFixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lesion-model-'));
  temps.push(dir);
  for (const f of ['model.onnx', 'model.json']) await copyFile(join(fixture, f), join(dir, f));
  return dir;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (error) { return isDrgradeError(error) ? error.code : `untyped: ${String(error)}`; }
  return 'no error';
}

describe('LesionModel', () => {
  it('reproduces PyTorch probabilities on the UINT8 contract (input fed as bytes, normalisation in the graph)', async () => {
    const model = await LesionModel.load(fixture);
    const planes = new Uint8Array(await readFile(join(fixture, 'input.u8')));
    const want = new Float32Array(new Uint8Array(await readFile(join(fixture, 'probabilities.f32'))).buffer);
    const h = 48, w = 64;
    // Interleave the planar fixture into the RGB image the analysis hands over.
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = planes[c * w * h + i]!;
    const maps = await model.predict({ width: w, height: h, data });
    expect([maps.width, maps.height, maps.stride]).toEqual([32, 24, 2]);
    let worst = 0;
    model.manifest.labels.forEach((code, c) => {
      const got = maps.maps[code]!;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[c * got.length + i]!));
    });
    expect(worst).toBeLessThan(1e-4);
    await model.release();
  });

  it('pads an image that is not a multiple of 16 and crops the maps back to it', async () => {
    const model = await LesionModel.load(fixture);
    const maps = await model.predict({ width: 37, height: 21, data: new Uint8Array(37 * 21 * 3).fill(128) });
    expect([maps.width, maps.height]).toEqual([19, 11]);
    for (const code of model.manifest.labels) {
      const m = maps.maps[code]!;
      expect(m.length).toBe(19 * 11);
      expect(m.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    await model.release();
  });

  it('reads the image at the manifest\'s inferenceScale: finer maps whose stride is in the caller\'s pixels', async () => {
    const dir = await copyFixture();
    const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { preprocessing: Record<string, unknown> };
    const image = { width: 32, height: 16, data: new Uint8Array(32 * 16 * 3).map((_, i) => (i * 37) % 256) };
    const plain = await LesionModel.load(dir);
    const atOne = await plain.predict(image);
    expect([atOne.width, atOne.height, atOne.stride]).toEqual([16, 8, 2]);
    const atTwo = await plain.predict(image, { scale: 2 });
    expect([atTwo.width, atTwo.height, atTwo.stride]).toEqual([32, 16, 1]);
    await plain.release();
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...manifest, preprocessing: { ...manifest.preprocessing, inferenceScale: 2 } }));
    const scaled = await LesionModel.load(dir);
    const byManifest = await scaled.predict(image);
    expect([byManifest.width, byManifest.height, byManifest.stride]).toEqual([32, 16, 1]);
    expect(byManifest.maps.MA).toEqual(atTwo.maps.MA);
    await scaled.release();
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...manifest, preprocessing: { ...manifest.preprocessing, inferenceScale: 5 } }));
    expect(await codeOf(LesionModel.load(dir))).toBe('MODEL_MANIFEST_INVALID');
  });

  it('fails loudly on a checksum mismatch', async () => {
    const dir = await copyFixture();
    const bytes = await readFile(join(dir, 'model.onnx'));
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(join(dir, 'model.onnx'), bytes);
    expect(await codeOf(LesionModel.load(dir))).toBe('MODEL_CHECKSUM_MISMATCH');
  });

  it('refuses a manifest that breaks the contract, naming the field', async () => {
    const dir = await copyFixture();
    const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
    for (const [field, broken] of [
      ['labels', { ...manifest, labels: ['MA', 'XX', 'EX', 'SE'] }],
      ['input.datatype', { ...manifest, input: { ...(manifest.input as object), datatype: 'FP32' } }],
      ['kind', { ...manifest, kind: 'grading' }],
    ] as const) {
      await writeFile(join(dir, 'model.json'), JSON.stringify(broken));
      let error: unknown;
      try { await LesionModel.load(dir); } catch (e) { error = e; }
      expect(isDrgradeError(error) && error.code).toBe('MODEL_MANIFEST_INVALID');
      expect(String((error as Error).message)).toContain(field);
    }
  });

  it('reads fitted reporting thresholds and refuses out-of-range ones', async () => {
    const dir = await copyFixture();
    expect((await LesionModel.load(dir)).reporting.minScore).toEqual({ dark: 0.5, bright: 0.5 });
    await writeFile(join(dir, 'reporting.json'), JSON.stringify({ minScore: { dark: 0.3, bright: 0.4 }, dmeExudateMinScore: 0.2 }));
    const model = await LesionModel.load(dir);
    expect(model.reporting).toEqual({ minScore: { dark: 0.3, bright: 0.4 }, dmeExudateMinScore: 0.2 });
    await writeFile(join(dir, 'reporting.json'), JSON.stringify({ minScore: { dark: 3, bright: 0.4 }, dmeExudateMinScore: 0.2 }));
    expect(await codeOf(LesionModel.load(dir))).toBe('MODEL_MANIFEST_INVALID');
  });

  it('says MODEL_NOT_FOUND for a folder without a model', async () => {
    expect(await codeOf(LesionModel.load(join(tmpdir(), 'no-such-lesion-model')))).toBe('MODEL_NOT_FOUND');
  });
});
