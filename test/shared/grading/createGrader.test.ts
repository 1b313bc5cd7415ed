import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/config/settings.js';
import { createGrader } from '../../../shared/grading/createGrader.js';
import { OrtGrader } from '../../../shared/grading/OrtGrader.js';
import { RemoteGrader } from '../../../shared/grading/RemoteGrader.js';
import type { RunningInferenceServer } from '../../../shared/inference/startInferenceServer.js';
import { probeInput, tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';
import { startTinyServer, testKey } from '../inference/tinyServer.js';

describe('createGrader', () => {
  let server: RunningInferenceServer;
  beforeAll(async () => {
    server = await startTinyServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('creates an in-process grader without an inference URL', async () => {
    const grader = await createGrader({ ...defaultSettings, modelDir: tinyModelDir });
    expect(grader).toBeInstanceOf(OrtGrader);
    expect(grader.executionProvider).toBe('cpu');
    expect(grader.manifest.name).toBe('drgrade-tiny');
    await grader.close();
  });

  it('creates a remote grader with an inference URL, with or without a local manifest', async () => {
    const settings = { ...defaultSettings, inferenceUrl: server.url, inferenceKey: testKey, modelName: 'drgrade' };
    for (const modelDir of [undefined, tinyModelDir]) {
      const grader = await createGrader({ ...settings, modelDir });
      expect(grader).toBeInstanceOf(RemoteGrader);
      expect(grader.manifest.name).toBe('drgrade-tiny');
      expect((await grader.grade([probeInput(0)]))[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      expect(grader.executionProvider).toBe('remote:cpu');
      await grader.close();
    }
  });
});
