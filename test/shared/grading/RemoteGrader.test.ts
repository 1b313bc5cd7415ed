import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrgradeError, type ErrorCode } from '../../../shared/errors.js';
import { readModelManifest } from '../../../shared/grading/loadModel.js';
import type { ModelManifest } from '../../../shared/grading/ModelManifest.js';
import { OrtGrader } from '../../../shared/grading/OrtGrader.js';
import { RemoteGrader } from '../../../shared/grading/RemoteGrader.js';
import type { RunningInferenceServer } from '../../../shared/inference/startInferenceServer.js';
import { probeInput, tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';
import { startTinyServer, testKey } from '../inference/tinyServer.js';

const codeOf = async (p: Promise<unknown>): Promise<ErrorCode | 'resolved'> => {
  try {
    await p;
  } catch (error) {
    if (isDrgradeError(error)) return error.code;
    throw error;
  }
  return 'resolved';
};

describe('RemoteGrader (real inference server on loopback)', () => {
  let server: RunningInferenceServer;
  let local: OrtGrader;
  let manifest: ModelManifest;
  beforeAll(async () => {
    server = await startTinyServer({ maxBatchSize: 4 });
    local = await OrtGrader.create(tinyModelDir, { intraOpNumThreads: 1 });
    manifest = await readModelManifest(tinyModelDir);
  });
  afterAll(async () => {
    await local.close();
    await server.close();
  });

  const inputs = Array.from({ length: 6 }, (_, i) => probeInput(i - 3));

  it('fetches the manifest from the server and grades exactly like the in-process grader', async () => {
    const remote = await RemoteGrader.create({ url: server.url, key: testKey });
    expect(remote.manifest).toEqual(manifest);
    expect(remote.executionProvider).toBe('remote:cpu');
    const batchesBefore = server.metrics.batches;
    const got = await remote.grade(inputs);
    const want = await local.grade(inputs);
    got.forEach((row, i) => expect(row).toEqual(want[i]!.map((v) => expect.closeTo(v, 6))));
    // Six inputs split by the server's max_batch_size (4) into two requests.
    expect(server.metrics.batches - batchesBefore).toBe(2);
    expect(await remote.ready()).toBe(true);
    await remote.close();
  });

  it('checks a local manifest against the server before the first grade', async () => {
    const remote = await RemoteGrader.create({ url: server.url, key: testKey, manifest });
    expect(remote.executionProvider).toBe('remote:unknown');
    expect(await remote.grade([probeInput(0)])).toHaveLength(1);
    expect(remote.executionProvider).toBe('remote:cpu');
  });

  it('refuses a server whose model differs from the local manifest', async () => {
    const variants: [Partial<Record<string, unknown>>, ErrorCode][] = [
      [{ sha256: 'f'.repeat(64) }, 'MODEL_CHECKSUM_MISMATCH'],
      [{ version: '9.9.9' }, 'MODEL_MANIFEST_INVALID'],
      [{ input: { ...manifest.input, name: 'image' } }, 'MODEL_INPUT_MISMATCH'],
      [{ output: { ...manifest.output, name: 'probs' } }, 'MODEL_OUTPUT_MISMATCH'],
    ];
    for (const [change, code] of variants) {
      const remote = await RemoteGrader.create({ url: server.url, key: testKey, manifest: { ...manifest, ...change } as ModelManifest });
      expect(await codeOf(remote.grade([probeInput(0)]))).toBe(code);
    }
  });

  it('fails with typed errors for a wrong model name, a wrong key or a bad input', async () => {
    expect(await codeOf(RemoteGrader.create({ url: server.url, key: testKey, modelName: 'other' }))).toBe('INFERENCE_REJECTED');
    expect(await codeOf(RemoteGrader.create({ url: server.url, key: 'nope' }))).toBe('INFERENCE_REJECTED');
    const remote = await RemoteGrader.create({ url: server.url, key: testKey });
    expect(await codeOf(remote.grade([new Float32Array(5)]))).toBe('INVALID_ARGUMENT');
  });

  it('reports a server that is down as transient and not ready', async () => {
    const remote = await RemoteGrader.create({ url: 'http://127.0.0.1:9', manifest, client: { maxAttempts: 1 } });
    expect(await remote.ready()).toBe(false);
    let error: unknown;
    try {
      await remote.grade([probeInput(0)]);
    } catch (e) {
      error = e;
    }
    expect(isDrgradeError(error, 'INFERENCE_UNAVAILABLE') && error.transient).toBe(true);
  });
});
