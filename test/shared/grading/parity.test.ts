import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { imageToTensor } from '../../../shared/grading/imageToTensor.js';
import type { RgbImage } from '../../../shared/image/RgbImage.js';

/**
 * Preprocessing parity: the training recipe's loader (training/drgrade_train/data.py, the path evaluation uses)
 * wrote test/fixtures/parity/sample.tensor.f32 from sample.png with training/export_parity_fixture.py; serving's
 * imageToTensor must produce the same tensor from the same PNG decoded by sharp.
 */
const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'parity');

interface FixtureMeta {
  readonly shape: [number, number, number];
  readonly mean: [number, number, number];
  readonly std: [number, number, number];
  readonly dtype: string;
  readonly byteOrder: string;
}

async function decodePng(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(await readFile(path)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

async function readFixture(): Promise<{ meta: FixtureMeta; tensor: Float32Array }> {
  const meta = JSON.parse(await readFile(join(fixtureDir, 'sample.json'), 'utf8')) as FixtureMeta;
  const bytes = await readFile(join(fixtureDir, 'sample.tensor.f32'));
  // The fixture is little-endian; DataView keeps the test right on any host.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensor = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < tensor.length; i++) tensor[i] = view.getFloat32(i * 4, true);
  return { meta, tensor };
}

const fp32Nchw = { datatype: 'FP32', layout: 'NCHW' } as const;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('preprocessing parity with the training loader', () => {
  it('imageToTensor equals the training loader tensor for the same PNG within 1e-6', async () => {
    const { meta, tensor: expected } = await readFixture();
    expect(meta.dtype).toBe('float32');
    expect(meta.byteOrder).toBe('little');
    const image = await decodePng(join(fixtureDir, 'sample.png'));
    const [channels, height, width] = meta.shape;
    expect([3, image.height, image.width]).toEqual([channels, height, width]);
    expect(expected.length).toBe(channels * height * width);

    const actual = imageToTensor(image, { input: fp32Nchw, preprocessing: { size: width, mean: meta.mean, std: meta.std } });

    expect(actual.length).toBe(expected.length);
    expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-6);
  });

  it('is sensitive to the contract: swapped channels or another std do not match the fixture', async () => {
    const { meta, tensor: expected } = await readFixture();
    const image = await decodePng(join(fixtureDir, 'sample.png'));
    const size = image.width;
    const bgr = new Uint8Array(image.data.length);
    for (let i = 0; i < bgr.length; i += 3) {
      bgr[i] = image.data[i + 2]!;
      bgr[i + 1] = image.data[i + 1]!;
      bgr[i + 2] = image.data[i]!;
    }
    const swapped = imageToTensor({ ...image, data: bgr }, { input: fp32Nchw, preprocessing: { size, mean: meta.mean, std: meta.std } });
    expect(maxAbsDiff(swapped, expected)).toBeGreaterThan(0.1);
    const otherStd = imageToTensor(image, { input: fp32Nchw, preprocessing: { size, mean: meta.mean, std: [meta.std[0], meta.std[1], meta.std[2] * 1.001] } });
    expect(maxAbsDiff(otherStd, expected)).toBeGreaterThan(1e-6);
  });
});
