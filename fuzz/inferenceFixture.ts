import { Agent, request } from 'node:http';
import { defaultServerSettings } from '../shared/inference/serverSettings.js';
import { startInferenceServer, type RunningInferenceServer } from '../shared/inference/startInferenceServer.js';
import { DrgradeError } from '../shared/errors.js';
import { fuzzModelDir } from './fuzzModelDir.js';
import { FuzzCrash, FuzzUntyped } from './FuzzTarget.js';

/** The bearer key the fuzzed server requires. */
export const fuzzInferenceKey = 'fuzz-key';

/** One generated request to the inference server. */
export interface InferenceHttpInput {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/** The real Open Inference Protocol server on loopback with the tiny model, a key and a 1 MiB body limit. */
export async function inferenceFixture(): Promise<{ server: RunningInferenceServer; send: (input: InferenceHttpInput) => Promise<void>; close: () => Promise<void> }> {
  const server = await startInferenceServer({
    settings: { ...defaultServerSettings, modelDir: fuzzModelDir(), port: 0, inferenceKey: fuzzInferenceKey, maxBodyBytes: 1024 * 1024 },
    modelName: 'drgrade',
  });
  await server.ready;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { port } = new URL(server.url);
  /**
   * Sends one request: a 200 must be JSON (or binary with its header length), an error `{"error": string}`; a 500
   * is an untyped failure of the server, a dropped connection a crash; other errors rethrow as typed.
   */
  const send = (input: InferenceHttpInput) =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: input.method, path: input.path, headers: { ...input.headers, 'content-length': String(input.body.length) }, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new FuzzCrash('response aborted', { cause: e })));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          const headerLength = res.headers['inference-header-content-length'];
          try {
            const json = JSON.parse(body.toString('utf8', 0, typeof headerLength === 'string' ? Number(headerLength) : body.length)) as { error?: unknown };
            if (status >= 500 && status !== 503 && status !== 504) return reject(new FuzzUntyped(`${status}: ${String(json.error)}`));
            if (status >= 400) {
              if (typeof json.error !== 'string') return reject(new FuzzUntyped(`${status} without an error message`));
              return reject(new DrgradeError(status === 503 ? 'INFERENCE_OVERLOADED' : status === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT', `${status} ${json.error}`, { status, details: { status } }));
            }
            resolve();
          } catch {
            reject(new FuzzUntyped(`answer ${status} that does not parse`));
          }
        });
      });
      // The server closes the connection after a 413 without reading the rest: that is an answer, not a crash.
      req.on('error', (e) => reject(new FuzzCrash(`connection failed: ${e.message}`, { cause: e })));
      req.end(input.body);
    });
  return {
    server,
    send,
    close: async () => {
      agent.destroy();
      await server.close();
    },
  };
}
