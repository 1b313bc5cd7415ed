/* eslint-disable @typescript-eslint/no-explicit-any -- the tests edit manifests and typed arrays as untyped JSON */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../shared/errors.js';
import { isDrgradeError } from '../../../shared/errors.js';
import { loadModel, readModelManifest } from '../../../shared/grading/loadModel.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

/** A copy of the tiny model folder whose manifest went through `change`. */
async function modelVariant(change: (m: Record<string, any>) => void, onnx = true): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drgrade-model-'));
  temps.push(dir);
  const manifest = JSON.parse(await readFile(join(tinyModelDir, 'model.json'), 'utf8')) as Record<string, any>;
  change(manifest);
  await writeFile(join(dir, 'model.json'), JSON.stringify(manifest));
  if (onnx) await copyFile(join(tinyModelDir, 'model.onnx'), join(dir, 'model.onnx'));
  return dir;
}

async function failure(dir: string, options = {}): Promise<{ code: ErrorCode; message: string }> {
  try {
    const model = await loadModel(dir, options);
    await model.session.release();
  } catch (error) {
    if (isDrgradeError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected loadModel to fail');
}

const ortBin = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1'));
const cudaInstalled = existsSync(join(ortBin, 'libonnxruntime_providers_cuda.so'));

describe('loadModel', () => {
  it('loads the tiny model on CPU with a dynamic batch axis', async () => {
    const model = await loadModel(tinyModelDir);
    try {
      expect(model.dir).toBe(tinyModelDir);
      expect(model.executionProvider).toBe('cpu');
      expect(model.manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(model.session.inputNames).toEqual(['input']);
      expect(model.session.outputNames).toEqual(['logits']);
    } finally {
      await model.session.release();
    }
  });

  it('reports a wrong checksum as MODEL_CHECKSUM_MISMATCH', async () => {
    const dir = await modelVariant((m) => (m.sha256 = '0'.repeat(64)));
    const { code, message } = await failure(dir);
    expect(code).toBe('MODEL_CHECKSUM_MISMATCH');
    expect(message).toMatch(/^Expected sha256 0{64} \(model\.json\) for model\.onnx but received [0-9a-f]{64}$/);
  });

  it('reports a wrong input name as MODEL_INPUT_MISMATCH', async () => {
    const { code, message } = await failure(await modelVariant((m) => (m.input.name = 'image')));
    expect(code).toBe('MODEL_INPUT_MISMATCH');
    expect(message).toBe(`Expected an input named 'image' (model.json) for model.onnx but received inputs ["input"]`);
  });

  it('reports a wrong input shape as MODEL_INPUT_MISMATCH', async () => {
    const dir = await modelVariant((m) => {
      m.input.shape = [-1, 3, 64, 64];
      m.preprocessing.size = 64;
    });
    const { code, message } = await failure(dir);
    expect(code).toBe('MODEL_INPUT_MISMATCH');
    expect(message).toBe(`Expected shape [-1,3,64,64] (model.json) for model.onnx input 'input' but received [-1,3,32,32]`);
  });

  it('reports a wrong output name as MODEL_OUTPUT_MISMATCH', async () => {
    const { code } = await failure(await modelVariant((m) => (m.output.name = 'probs')));
    expect(code).toBe('MODEL_OUTPUT_MISMATCH');
  });

  it('reports missing labels as MODEL_MANIFEST_INVALID', async () => {
    const { code, message } = await failure(await modelVariant((m) => delete m.labels));
    expect(code).toBe('MODEL_MANIFEST_INVALID');
    expect(message).toMatch(/for labels but received nothing/);
  });

  it('reports an unparsable model.json as MODEL_MANIFEST_INVALID', async () => {
    const dir = await modelVariant(() => undefined);
    await writeFile(join(dir, 'model.json'), '{ not json');
    expect((await failure(dir)).code).toBe('MODEL_MANIFEST_INVALID');
  });

  it('reports a missing folder or ONNX file as MODEL_NOT_FOUND', async () => {
    expect((await failure(join(tmpdir(), 'drgrade-no-such-model'))).code).toBe('MODEL_NOT_FOUND');
    expect((await failure(await modelVariant(() => undefined, false))).code).toBe('MODEL_NOT_FOUND');
  });

  it.skipIf(cudaInstalled)("refuses 'cuda' when the CUDA provider cannot load", async () => {
    const { code, message } = await failure(tinyModelDir, { executionProvider: 'cuda' });
    expect(code).toBe('EXECUTION_PROVIDER_UNAVAILABLE');
    expect(message).toMatch(/^Expected the CUDA execution provider to load for executionProvider 'cuda'/);
  });

  it.skipIf(cudaInstalled)("falls back to CPU under 'auto' when CUDA cannot load", async () => {
    const model = await loadModel(tinyModelDir, { executionProvider: 'auto' });
    expect(model.executionProvider).toBe('cpu');
    await model.session.release();
  });
});

describe('readModelManifest', () => {
  it('reads the manifest without the ONNX file', async () => {
    const dir = await modelVariant(() => undefined, false);
    expect((await readModelManifest(dir)).name).toBe('drgrade-tiny');
  });
});
