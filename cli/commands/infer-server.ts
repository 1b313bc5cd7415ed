import { intOption, parseCli } from '../args.js';
import { readServerSettings, serverSettingNames, type InferenceServerSettings } from '../../shared/inference/serverSettings.js';
import { startInferenceServer } from '../../shared/inference/startInferenceServer.js';
import { parseExecutionProvider } from '../../shared/config/settings.js';

/** One-line help. */
export const summary = 'Serve a model over the Open Inference Protocol (KServe v2 REST) with dynamic batching';

const usage = `Usage: drgrade infer-server [--model <dir> | --model-url <blob url>] [--port <n>] [--host <addr>] [--no-auth]
         [--provider cpu|cuda|auto] [--max-batch-size <n>] [--max-queue-delay-ms <n>] [--max-queue-size <n>]
         [--max-body-bytes <n>] [--model-name <name>] [--threads <n>] [--spinning]

Serves GET /v2/health/live, /v2/health/ready, /v2, /v2/models/<name>[/versions/<v>][/ready], /metrics and
POST /v2/models/<name>[/versions/<v>]/infer (JSON and binary tensors). Flags override the environment:
  ${serverSettingNames.inferenceKey}       bearer key clients must send (required unless --no-auth)
  ${serverSettingNames.modelDir}           model folder (with a URL: where the download goes)
  ${serverSettingNames.modelUrl}           blob URL of a model folder, read with managed identity (${serverSettingNames.clientId})
  ${serverSettingNames.modelAccountUrl}   blob endpoint of the only account a model URL may point into (required with a URL)
  ${serverSettingNames.executionProvider}  cpu (default) | cuda (refuse to start without CUDA) | auto
  ${serverSettingNames.maxBatchSize} (16), ${serverSettingNames.maxQueueDelayMs} (0), ${serverSettingNames.maxQueueSize} (128),
  ${serverSettingNames.maxBodyBytes} (64 MiB), ${serverSettingNames.port} (8080; 0 picks a free port)
Without a model the shipped default model is served, as model 'drgrade' (--model-name to change; the manifest's
name, version and sha256 are in the model metadata parameters). Prints {"listening": "<url>"} on stdout once bound and
{"ready": true, ...} once the model is loaded and warmed up; logs are JSON lines on stderr.
--threads sets ONNX Runtime's intra-op threads (default: one per core); --spinning lets idle ONNX Runtime threads
spin-wait between runs (off by default: it takes cores from the HTTP thread).
Research use only; not for clinical diagnosis.`;

/** `drgrade infer-server`: runs the inference service until SIGINT or SIGTERM. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(
    args,
    {
      model: { type: 'string' },
      'model-url': { type: 'string' },
      'model-name': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'no-auth': { type: 'boolean' },
      provider: { type: 'string' },
      'max-batch-size': { type: 'string' },
      'max-queue-delay-ms': { type: 'string' },
      'max-queue-size': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      threads: { type: 'string' },
      spinning: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const env = readServerSettings(process.env);
  const provider = parseExecutionProvider('--provider', values.provider ?? env.executionProvider);
  const settings: InferenceServerSettings = {
    ...env,
    // A folder on the command line wins over a URL from the environment; a URL on the command line downloads
    // into DRGRADE_MODEL_DIR when that is set.
    modelDir: values.model ?? env.modelDir,
    modelUrl: values.model === undefined ? (values['model-url'] ?? env.modelUrl) : undefined,
    executionProvider: provider,
    port: intOption('port', values.port, env.port, 0),
    maxBatchSize: intOption('max-batch-size', values['max-batch-size'], env.maxBatchSize),
    maxQueueDelayMs: intOption('max-queue-delay-ms', values['max-queue-delay-ms'], env.maxQueueDelayMs, 0),
    maxQueueSize: intOption('max-queue-size', values['max-queue-size'], env.maxQueueSize),
    maxBodyBytes: intOption('max-body-bytes', values['max-body-bytes'], env.maxBodyBytes, 1024),
  };
  const log = (entry: Record<string, unknown>): void => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  };
  const running = await startInferenceServer({
    settings,
    noAuth: values['no-auth'] ?? false,
    host: values.host ?? '127.0.0.1',
    ...(values['model-name'] === undefined ? {} : { modelName: values['model-name'] }),
    ...(values.threads === undefined ? {} : { intraOpNumThreads: intOption('threads', values.threads, 0, 0) }),
    ...(values.spinning ? { intraOpSpinning: true } : {}),
    log,
  });
  process.stdout.write(`${JSON.stringify({ listening: running.url })}\n`);

  let stop: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const onSignal = (signal: string): void => stop(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // A load failure (e.g. CUDA required but missing) rejects here; the server has already closed itself.
    const runtime = await Promise.race([running.ready, stopped.then(() => undefined)]);
    if (runtime !== undefined) {
      process.stdout.write(
        `${JSON.stringify({ ready: true, model: runtime.name, version: runtime.version, executionProvider: runtime.parameters.execution_provider })}\n`,
      );
    }
    const signal = await stopped;
    log({ level: 'info', event: 'shutdown', signal });
    await running.close();
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
