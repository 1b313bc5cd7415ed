import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFundus } from '../../shared/analysis/analyzeFundus.js';
import { defaultModelDir } from '../../shared/grading/defaultModelDir.js';
import { imageToTensor } from '../../shared/grading/imageToTensor.js';
import { OrtGrader } from '../../shared/grading/OrtGrader.js';
import { prepareModelInput } from '../../shared/grading/prepareModelInput.js';
import type { RgbImage } from '../../shared/image/RgbImage.js';
import { fp32FromUint8Onnx, normalisedInputName } from '../helpers/fp32FromUint8Onnx.js';
import { syntheticFundusJpeg } from '../helpers/imageBytes.js';

/** IDRiD photographs used when the dataset is on this machine (never committed; CI uses the synthetic ones). */
const idridDir = '/work/shared/datasets/idrid/grading-train';
const idridPhotographs = ['IDRiD_001.jpg', 'IDRiD_050.jpg', 'IDRiD_101.jpg', 'IDRiD_250.jpg'];

function maxAbsDiff(a: readonly number[][], b: readonly number[][]): number {
  let max = 0;
  a.forEach((row, i) => row.forEach((v, k) => (max = Math.max(max, Math.abs(v - b[i]![k]!)))));
  return max;
}

/**
 * The shipped model is UINT8 (model contract v2): its FP32 original is rebuilt here from it (the converter's added
 * nodes stripped, the same graph and weights behind a float input), so that both run in real ONNX Runtime sessions
 * and the in-graph normalisation is compared with the host one without a second 13 MB model in the repository.
 */
describe('the shipped UINT8 model equals its FP32 path', () => {
  let work: string;
  let uint8: OrtGrader;
  let fp32: OrtGrader;
  const images: RgbImage[] = [];
  beforeAll(async () => {
    uint8 = await OrtGrader.create(defaultModelDir(), { intraOpNumThreads: 1 });
    const m = uint8.manifest;
    work = await mkdtemp(join(tmpdir(), 'drgrade-fp32-'));
    const onnx = fp32FromUint8Onnx(await readFile(join(defaultModelDir(), 'model.onnx')), m.preprocessing.size);
    const { normalisation: _inGraph, ...hostPreprocessing } = m.preprocessing;
    const manifest = {
      ...m,
      schemaVersion: 1,
      sha256: createHash('sha256').update(onnx).digest('hex'),
      input: { name: normalisedInputName, shape: [-1, 3, m.preprocessing.size, m.preprocessing.size], layout: 'NCHW', datatype: 'FP32' },
      preprocessing: hostPreprocessing,
    };
    await writeFile(join(work, 'model.onnx'), onnx);
    await writeFile(join(work, 'model.json'), JSON.stringify(manifest));
    fp32 = await OrtGrader.create(work, { intraOpNumThreads: 1 });

    const photographs: Uint8Array[] = [];
    for (const seed of [3, 17]) photographs.push((await syntheticFundusJpeg(seed, { grade: seed === 3 ? 0 : 3, width: 900 })).bytes);
    if (existsSync(idridDir)) for (const name of idridPhotographs) photographs.push(await readFile(join(idridDir, name)));
    for (const bytes of photographs) {
      const analysis = await analyzeFundus(bytes, { skipLesions: true });
      images.push(await prepareModelInput(analysis, m.preprocessing));
    }
  }, 240_000);
  afterAll(async () => {
    await uint8?.close();
    await fp32?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('is schemaVersion 2, UINT8 NCHW, normalised in the graph', () => {
    expect(uint8.manifest).toMatchObject({ schemaVersion: 2, input: { datatype: 'UINT8', layout: 'NCHW' }, preprocessing: { normalisation: 'in-graph' } });
    expect(fp32.manifest.input.datatype).toBe('FP32');
  });

  it('gives the FP32 path\'s probabilities within 1e-4 on photographs, and the comparison can fail', async () => {
    const got = await uint8.grade(images.map((image) => imageToTensor(image, uint8.manifest)));
    const want = await fp32.grade(images.map((image) => imageToTensor(image, fp32.manifest)));
    expect(got).toHaveLength(images.length);
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-4);
    // Host normalisation with a slightly different std (what a wrong in-graph constant would do) is caught.
    const offStd = { ...fp32.manifest, preprocessing: { ...fp32.manifest.preprocessing, std: fp32.manifest.preprocessing.std.map((s) => s * 1.05) as [number, number, number] } };
    const skewed = await fp32.grade(images.map((image) => imageToTensor(image, offStd)));
    expect(maxAbsDiff(got, skewed)).toBeGreaterThan(1e-4);
  });
});
