import type { ExecutionProviderPreference } from '../config/settings.js';
import { invalidArgument } from '../errors.js';
import { parseExecutionProvider } from '../config/settings.js';

/**
 * Every environment setting the inference server reads. The names are exactly the GPU container app's settings
 * that infra/ writes; `PORT` and `AZURE_CLIENT_ID` are the platform's own names.
 */
export const serverSettingNames = {
  inferenceKey: 'DRGRADE_INFERENCE_KEY',
  modelDir: 'DRGRADE_MODEL_DIR',
  modelUrl: 'DRGRADE_MODEL_URL',
  modelAccountUrl: 'DRGRADE_MODEL_ACCOUNT_URL',
  executionProvider: 'DRGRADE_EXECUTION_PROVIDER',
  maxBatchSize: 'DRGRADE_MAX_BATCH_SIZE',
  maxQueueDelayMs: 'DRGRADE_MAX_QUEUE_DELAY_MS',
  maxQueueSize: 'DRGRADE_MAX_QUEUE_SIZE',
  maxBodyBytes: 'DRGRADE_MAX_BODY_BYTES',
  port: 'PORT',
  clientId: 'AZURE_CLIENT_ID',
} as const;

/** The inference server's typed settings. */
export interface InferenceServerSettings {
  /** Bearer key clients must present; required unless the server runs with `--no-auth`. */
  readonly inferenceKey: string | undefined;
  /** Local model folder; with `modelUrl`, the folder the download goes to. Neither = the shipped default model. */
  readonly modelDir: string | undefined;
  /** Blob URL of a model folder (holding model.json and model.onnx), fetched at start with managed identity. */
  readonly modelUrl: string | undefined;
  /** Blob service endpoint of the only account `modelUrl` may point into; a model URL elsewhere (or without it) is refused. */
  readonly modelAccountUrl: string | undefined;
  /** 'cpu', 'cuda' (refuse to start without CUDA) or 'auto'. @default 'cpu' (the GPU image sets 'cuda') */
  readonly executionProvider: ExecutionProviderPreference;
  /** Most rows per batch (Triton `max_batch_size`). @default 16 */
  readonly maxBatchSize: number;
  /** Longest wait to fill a batch (Triton `max_queue_delay_microseconds`, in ms). @default 0 (batches form from what queued while the previous batch ran) */
  readonly maxQueueDelayMs: number;
  /** Most queued requests before 503. @default 128 */
  readonly maxQueueSize: number;
  /** Largest request body. @default 67108864 (64 MiB) */
  readonly maxBodyBytes: number;
  /** @default 8080 */
  readonly port: number;
  /** Client id of a user-assigned managed identity (for `modelUrl`); `undefined` = system-assigned / default chain. */
  readonly clientId: string | undefined;
}

/** Default values of {@link InferenceServerSettings}. */
export const defaultServerSettings: InferenceServerSettings = Object.freeze({
  inferenceKey: undefined,
  modelDir: undefined,
  modelUrl: undefined,
  modelAccountUrl: undefined,
  executionProvider: 'cpu',
  maxBatchSize: 16,
  maxQueueDelayMs: 0,
  maxQueueSize: 128,
  maxBodyBytes: 64 * 1024 * 1024,
  port: 8080,
  clientId: undefined,
});

/** Reads {@link InferenceServerSettings} from an environment (default `process.env`); invalid values throw `INVALID_ARGUMENT`. */
export function readServerSettings(env: Record<string, string | undefined> = process.env): InferenceServerSettings {
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const v = str(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw invalidArgument(name, `an integer from ${min} to ${max}`, v);
    return n;
  };
  const ep = parseExecutionProvider(serverSettingNames.executionProvider, str(serverSettingNames.executionProvider) ?? defaultServerSettings.executionProvider);
  return Object.freeze({
    inferenceKey: str(serverSettingNames.inferenceKey),
    modelDir: str(serverSettingNames.modelDir),
    modelUrl: str(serverSettingNames.modelUrl),
    modelAccountUrl: str(serverSettingNames.modelAccountUrl),
    executionProvider: ep,
    maxBatchSize: int(serverSettingNames.maxBatchSize, defaultServerSettings.maxBatchSize, 1),
    maxQueueDelayMs: int(serverSettingNames.maxQueueDelayMs, defaultServerSettings.maxQueueDelayMs, 0),
    maxQueueSize: int(serverSettingNames.maxQueueSize, defaultServerSettings.maxQueueSize, 1),
    maxBodyBytes: int(serverSettingNames.maxBodyBytes, defaultServerSettings.maxBodyBytes, 1024),
    port: int(serverSettingNames.port, defaultServerSettings.port, 0, 65535),
    clientId: str(serverSettingNames.clientId),
  });
}
