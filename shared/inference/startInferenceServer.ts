import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { AnonymousCredential, StorageSharedKeyCredential } from '@azure/storage-blob';
import { invalidArgument } from '../errors.js';
import { defaultModelDir } from '../grading/defaultModelDir.js';
import { loadModel } from '../grading/loadModel.js';
import { createInferenceServer } from './createInferenceServer.js';
import { isDatatype, tensorDatatypes } from './datatypes.js';
import { downloadModelFromBlob } from './downloadModelFromBlob.js';
import { InferenceDataPlane } from './InferenceDataPlane.js';
import { InferenceMetrics } from './InferenceMetrics.js';
import type { ModelRuntime } from './ModelRuntime.js';
import { OrtModelRuntime } from './OrtModelRuntime.js';
import { serverSettingNames, type InferenceServerSettings } from './serverSettings.js';

/** Options of {@link startInferenceServer}. */
export interface StartInferenceServerOptions {
  readonly settings: InferenceServerSettings;
  /** Serve without a bearer key (local runs only). @default false */
  readonly noAuth?: boolean;
  /** Interface to bind; the container binds '0.0.0.0'. @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Model name served in URLs, like a Triton model repository's folder name; the manifest's own name and version
   * are published in the model metadata `parameters`. The function app asks for `DRGRADE_MODEL_NAME` ('drgrade').
   * @default 'drgrade'
   */
  readonly modelName?: string;
  /**
   * Folder a model fetched from `settings.modelUrl` goes to.
   * @default `settings.modelDir` when set (infra points it at a writable folder), else `<tmpdir>/drgrade-model-<sha256(url) prefix>`
   */
  readonly cacheDir?: string;
  /**
   * Credential for `settings.modelUrl`.
   * @default ManagedIdentityCredential for `settings.clientId` when set, else DefaultAzureCredential
   */
  readonly credential?: TokenCredential | StorageSharedKeyCredential | AnonymousCredential;
  /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose. @default 0 */
  readonly intraOpNumThreads?: number;
  /** See `LoadModelOptions.intraOpSpinning`. @default false */
  readonly intraOpSpinning?: boolean;
  /** Structured log sink (JSON-able entries; no request data). @default no logging */
  readonly log?: (entry: Record<string, unknown>) => void;
}

/** A listening inference server. */
export interface RunningInferenceServer {
  /** Base URL clients use (loopback when bound to every interface). */
  readonly url: string;
  readonly server: Server;
  readonly dataPlane: InferenceDataPlane;
  readonly metrics: InferenceMetrics;
  /**
   * Settles when loading ends: resolves once the model is loaded, checked and warmed up (the server reports
   * ready from then on); rejects with the load error, e.g. `EXECUTION_PROVIDER_UNAVAILABLE` when CUDA was required.
   */
  readonly ready: Promise<ModelRuntime>;
  /** Stops accepting requests, fails queued ones, releases the model and closes the server. */
  close(): Promise<void>;
}

/**
 * Starts the inference server: listens at once (so liveness answers while the model loads), then loads the model
 * from `settings.modelUrl` (downloaded into `settings.modelDir`), else from `settings.modelDir`, else the shipped
 * default, warms it up and turns ready.
 */
export async function startInferenceServer(options: StartInferenceServerOptions): Promise<RunningInferenceServer> {
  const { settings, log } = options;
  if (!options.noAuth && settings.inferenceKey === undefined) {
    throw invalidArgument(serverSettingNames.inferenceKey, 'a bearer key (or --no-auth for local runs)', undefined);
  }
  const dataPlane = new InferenceDataPlane({
    maxBatchSize: settings.maxBatchSize,
    maxQueueDelayMs: settings.maxQueueDelayMs,
    maxQueueSize: settings.maxQueueSize,
    onBatch: ({ rows }) => metrics.observeBatch(rows),
    onExecuted: (seconds) => metrics.observeExecution(seconds),
  });
  const metrics = new InferenceMetrics({
    queueDepth: () => dataPlane.queueDepth,
    info: () => {
      const runtime = dataPlane.runtime;
      if (runtime === undefined) return undefined;
      return { model: runtime.name, version: runtime.version, provider: String(runtime.parameters.execution_provider ?? 'unknown') };
    },
  });
  const server = createInferenceServer({
    dataPlane,
    metrics,
    inferenceKey: options.noAuth ? undefined : settings.inferenceKey,
    maxBodyBytes: settings.maxBodyBytes,
    ...(log ? { log } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  log?.({ level: 'info', event: 'listening', port, auth: !options.noAuth });

  const close = async (): Promise<void> => {
    await dataPlane.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  };

  const ready = (async (): Promise<ModelRuntime> => {
    let dir = settings.modelDir;
    if (settings.modelUrl !== undefined) {
      const cacheDir =
        options.cacheDir ?? settings.modelDir ?? join(tmpdir(), `drgrade-model-${createHash('sha256').update(settings.modelUrl).digest('hex').slice(0, 16)}`);
      const credential =
        options.credential ?? (settings.clientId ? new ManagedIdentityCredential({ clientId: settings.clientId }) : new DefaultAzureCredential());
      log?.({ level: 'info', event: 'model_download', source: 'blob' });
      dir = await downloadModelFromBlob(settings.modelUrl, cacheDir, credential, settings.modelAccountUrl);
    }
    const model = await loadModel(dir ?? defaultModelDir(), {
      executionProvider: settings.executionProvider,
      ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
      ...(options.intraOpSpinning === undefined ? {} : { intraOpSpinning: options.intraOpSpinning }),
    });
    const runtime = new OrtModelRuntime(model, { name: options.modelName ?? 'drgrade' });
    // Warm-up: the first run allocates buffers and, on CUDA, initialises kernels; readiness waits for it.
    const input = runtime.inputs[0]!;
    // The model's own datatype (FP32, or UINT8 for model contract v2); the manifest allows nothing else.
    const datatype = isDatatype(input.datatype) ? input.datatype : 'FP32';
    const warm = new tensorDatatypes[datatype].array(input.shape.slice(1).reduce((n, d) => n * d, 1));
    await runtime.run({ [input.name]: { datatype, shape: [1, ...input.shape.slice(1)], data: warm } });
    dataPlane.attach(runtime);
    log?.({
      level: 'info',
      event: 'model_ready',
      model: runtime.name,
      version: runtime.version,
      sha256: model.manifest.sha256.slice(0, 12),
      requestedProvider: settings.executionProvider,
      executionProvider: model.executionProvider,
    });
    return runtime;
  })();
  ready.catch((error: unknown) => {
    log?.({ level: 'error', event: 'model_load_failed', message: error instanceof Error ? error.message : String(error) });
    close().catch((closeError: unknown) => log?.({ level: 'error', event: 'close_failed', message: String(closeError) }));
  });

  return { url, server, dataPlane, metrics, ready, close };
}
