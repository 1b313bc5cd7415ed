import { defaultServerSettings } from '../../shared/inference/serverSettings.js';
import { startInferenceServer, type RunningInferenceServer } from '../../shared/inference/startInferenceServer.js';
import { tinyModelDir } from '../fixtures/tiny-model/tinyModel.js';

/** drgrade's real inference server on loopback, serving the tiny model under the app's default model name. */
export async function startTinyInferenceServer(): Promise<RunningInferenceServer> {
  const server = await startInferenceServer({
    settings: { ...defaultServerSettings, modelDir: tinyModelDir, port: 0 },
    noAuth: true,
    modelName: 'drgrade',
  });
  await server.ready;
  return server;
}
