import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { gradeWithTestTimeAugmentation } from '../../../shared/grading/gradeWithTestTimeAugmentation.js';
import { imageToTensor } from '../../../shared/grading/imageToTensor.js';
import { readModelManifest } from '../../../shared/grading/loadModel.js';
import { OrtGrader } from '../../../shared/grading/OrtGrader.js';
import { RemoteGrader } from '../../../shared/grading/RemoteGrader.js';
import type { RunningInferenceServer } from '../../../shared/inference/startInferenceServer.js';
import { probeImage, tinyModelDir, tinyUint8ModelDirs } from '../../fixtures/tiny-model/tinyModel.js';
import { auth, startTinyServer, testKey } from '../inference/tinyServer.js';

const layouts = ['NCHW', 'NHWC'] as const;

function maxAbsDiff(a: readonly number[][], b: readonly number[][]): number {
  let max = 0;
  a.forEach((row, i) => row.forEach((v, k) => (max = Math.max(max, Math.abs(v - b[i]![k]!)))));
  return max;
}

describe('model contract v2: UINT8 models beside the FP32 model (real ONNX Runtime sessions, tiny model)', () => {
  let fp32: OrtGrader;
  const uint8: Partial<Record<(typeof layouts)[number], OrtGrader>> = {};
  beforeAll(async () => {
    fp32 = await OrtGrader.create(tinyModelDir, { intraOpNumThreads: 1 });
    for (const layout of layouts) uint8[layout] = await OrtGrader.create(tinyUint8ModelDirs[layout], { intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await fp32.close();
    for (const layout of layouts) await uint8[layout]?.close();
  });

  const images = [0, 1, 2, 3, 4].map(probeImage);

  it.each(layouts)('a UINT8 %s model takes the image bytes and grades as the FP32 model does on host-normalised floats', async (layout) => {
    const grader = uint8[layout]!;
    expect(grader.manifest).toMatchObject({ schemaVersion: 2, input: { datatype: 'UINT8', layout }, preprocessing: { normalisation: 'in-graph' } });
    const byteTensors = images.map((image) => imageToTensor(image, grader.manifest));
    for (const t of byteTensors) expect(t).toBeInstanceOf(Uint8Array);
    const floatTensors = images.map((image) => imageToTensor(image, fp32.manifest));
    for (const t of floatTensors) expect(t).toBeInstanceOf(Float32Array);
    const want = await fp32.grade(floatTensors);
    const got = await grader.grade(byteTensors);
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-6);
    // The comparison can fail: other images give other grades.
    expect(maxAbsDiff(got, [...want.slice(1), want[0]!])).toBeGreaterThan(1e-3);
  });

  it('an NHWC tensor is the image bytes in their own order; NCHW is channel planes', () => {
    const image = probeImage(3);
    expect(Array.from(imageToTensor(image, uint8.NHWC!.manifest))).toEqual(Array.from(image.data));
    const planes = imageToTensor(image, uint8.NCHW!.manifest);
    expect([planes[0], planes[1024], planes[2048], planes[1]]).toEqual([image.data[0], image.data[1], image.data[2], image.data[3]]);
  });

  it('refuses a tensor of the other datatype with INVALID_ARGUMENT', async () => {
    const floats = imageToTensor(images[0]!, fp32.manifest);
    const bytes = imageToTensor(images[0]!, uint8.NCHW!.manifest);
    const message = (e: unknown): string => (isDrgradeError(e, 'INVALID_ARGUMENT') ? e.message : `not INVALID_ARGUMENT: ${String(e)}`);
    expect(message(await uint8.NCHW!.grade([floats]).catch((e: unknown) => e))).toBe(
      'Expected a Uint8Array (UINT8) of 3 x 32 x 32 = 3072 values for inputs[0] but received "a Float32Array of 3072 values"',
    );
    expect(message(await fp32.grade([bytes]).catch((e: unknown) => e))).toMatch(/^Expected a Float32Array \(FP32\) of 3 x 32 x 32/);
  });

  it.each(layouts)('test-time augmentation of a UINT8 %s tensor equals that of the FP32 tensor', async (layout) => {
    const image = images[2]!;
    const want = await gradeWithTestTimeAugmentation(fp32, imageToTensor(image, fp32.manifest));
    const got = await gradeWithTestTimeAugmentation(uint8[layout]!, imageToTensor(image, uint8[layout]!.manifest));
    expect(maxAbsDiff([got], [want])).toBeLessThanOrEqual(1e-6);
    const [plain] = await fp32.grade([imageToTensor(image, fp32.manifest)]);
    expect(maxAbsDiff([got], [plain!])).toBeGreaterThan(1e-4);
  });
});

describe('model contract v2 over the Open Inference Protocol (real inference servers on loopback)', () => {
  const servers: Partial<Record<'FP32' | 'NCHW' | 'NHWC', RunningInferenceServer>> = {};
  let local: OrtGrader;
  beforeAll(async () => {
    servers.FP32 = await startTinyServer({ maxBatchSize: 4 });
    servers.NCHW = await startTinyServer({ maxBatchSize: 4, modelDir: tinyUint8ModelDirs.NCHW });
    servers.NHWC = await startTinyServer({ maxBatchSize: 4, modelDir: tinyUint8ModelDirs.NHWC });
    local = await OrtGrader.create(tinyModelDir, { intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await local.close();
    for (const s of Object.values(servers)) await s?.close();
  });

  const images = [0, 1, 2, 3, 4, 5].map(probeImage);

  it.each([
    ['FP32', true],
    ['FP32', false],
    ['NCHW', true],
    ['NCHW', false],
    ['NHWC', true],
    ['NHWC', false],
  ] as const)('RemoteGrader on the %s model (binary %s) grades as the in-process FP32 grader', async (which, binary) => {
    const remote = await RemoteGrader.create({ url: servers[which]!.url, key: testKey, client: { binary } });
    try {
      expect(remote.manifest.input.datatype).toBe(which === 'FP32' ? 'FP32' : 'UINT8');
      const got = await remote.grade(images.map((image) => imageToTensor(image, remote.manifest)));
      const want = await local.grade(images.map((image) => imageToTensor(image, local.manifest)));
      expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-6);
    } finally {
      await remote.close();
    }
  });

  it('the server answers 400 with the existing datatype error to FP32 data for a UINT8 model, and refuses bytes out of range', async () => {
    const url = `${servers.NCHW!.url}/v2/models/drgrade/infer`;
    const post = async (datatype: string, data: number[]): Promise<{ status: number; error: string }> => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'input', datatype, shape: [1, 3, 32, 32], data }] }),
      });
      return { status: response.status, error: ((await response.json()) as { error: string }).error };
    };
    const values = Array.from(imageToTensor(images[0]!, local.manifest));
    expect(await post('FP32', values)).toEqual({ status: 400, error: 'Expected UINT8 for datatype of input \'input\' but received "FP32"' });
    const bytes = Array.from(images[0]!.data);
    expect((await post('UINT8', bytes)).status).toBe(200);
    bytes[7] = 300;
    expect(await post('UINT8', bytes)).toEqual({ status: 400, error: 'Expected an integer in the range of UINT8 for data[7] of input \'input\' but received 300' });
  });

  it('a RemoteGrader given the FP32 manifest refuses the UINT8 server before grading', async () => {
    // The same identity as the server's model, so that the check reaches the input's datatype.
    const { sha256 } = await readModelManifest(tinyUint8ModelDirs.NCHW);
    const remote = await RemoteGrader.create({ url: servers.NCHW!.url, key: testKey, manifest: { ...local.manifest, sha256 } });
    const error = await remote.grade([imageToTensor(images[0]!, local.manifest)]).catch((e: unknown) => e);
    expect(isDrgradeError(error, 'MODEL_INPUT_MISMATCH') && error.message).toBe("Expected datatype FP32 for the server's input 'input' but received UINT8");
    await remote.close();
  });
});
