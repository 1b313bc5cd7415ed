import { defaultServerSettings, type InferenceServerSettings } from '../../../shared/inference/serverSettings.js';
import { startInferenceServer, type RunningInferenceServer } from '../../../shared/inference/startInferenceServer.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

/** Bearer key of the test servers. */
export const testKey = 'test-key-3f2a';

/** Starts a real inference server on an ephemeral loopback port serving the tiny model, and waits until ready. */
export async function startTinyServer(
  overrides: Partial<InferenceServerSettings> = {},
  options: { noAuth?: boolean; log?: (entry: Record<string, unknown>) => void } = {},
): Promise<RunningInferenceServer> {
  const running = await startInferenceServer({
    settings: { ...defaultServerSettings, modelDir: tinyModelDir, port: 0, inferenceKey: testKey, ...overrides },
    intraOpNumThreads: 1,
    ...(options.noAuth ? { noAuth: true } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  await running.ready;
  return running;
}

/** `Authorization` header of the test servers. */
export const auth = { authorization: `Bearer ${testKey}` };
