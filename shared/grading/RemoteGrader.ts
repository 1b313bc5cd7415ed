import { DrgradeError, invalidArgument } from '../errors.js';
import { OipClient, type OipClientOptions } from '../inference/OipClient.js';
import type { MetadataTensor, ModelMetadataResponse } from '../inference/protocol.js';
import { allocateModelTensor, imageTensorShape, isModelTensorOf, modelInputDatatypes, type ModelTensor } from '../model/ModelTensor.js';
import { calibrate } from './calibrate.js';
import type { Grader } from './Grader.js';
import type { ModelManifest } from './ModelManifest.js';
import { validateManifest } from './validateManifest.js';

/** Options of {@link RemoteGrader.create}. */
export interface RemoteGraderOptions {
  /** Inference server base URL (no `/v2`). */
  readonly url: string;
  /** Bearer key of the server. @default none */
  readonly key?: string;
  /** Model name on the server. @default 'drgrade' */
  readonly modelName?: string;
  /** Model version on the server. @default the server's choice */
  readonly modelVersion?: string;
  /**
   * The manifest of the model the server is expected to serve (from a local model folder). With it the grader
   * needs nothing from the server to start and checks the server's metadata against it before the first grade;
   * without it the manifest is fetched from the server's model metadata (drgrade's server publishes it; Triton
   * and others do not, so give one there).
   */
  readonly manifest?: ModelManifest;
  /** Timeout of one attempt. @default 20000 */
  readonly timeoutMs?: number;
  /** Rows per infer request; larger calls are split. @default the server's `max_batch_size` parameter, else 8 */
  readonly maxBatchSize?: number;
  /** Further client options (retries, breaker, binary). */
  readonly client?: Omit<OipClientOptions, 'baseUrl' | 'key' | 'timeoutMs'>;
}

/**
 * Grader backed by an Open Inference Protocol server (drgrade's inference service, or Triton / KServe / MLServer
 * serving the same ONNX model). The server returns raw model outputs; calibration is applied here from the
 * manifest, exactly as `OrtGrader` does, so both graders give the same probabilities.
 */
export class RemoteGrader implements Grader {
  readonly manifest: ModelManifest;
  readonly #client: OipClient;
  readonly #modelName: string;
  readonly #modelVersion: string | undefined;
  #verified: Promise<void> | undefined;
  #executionProvider = 'remote:unknown';
  #maxBatchSize: number;
  readonly #fixedBatch: boolean;

  private constructor(options: RemoteGraderOptions, manifest: ModelManifest, client: OipClient) {
    this.manifest = manifest;
    this.#client = client;
    this.#modelName = options.modelName ?? 'drgrade';
    this.#modelVersion = options.modelVersion;
    this.#maxBatchSize = options.maxBatchSize ?? 8;
    this.#fixedBatch = options.maxBatchSize !== undefined;
  }

  /** 'remote:<provider>' once the server's metadata has been read (e.g. 'remote:cuda'), else 'remote:unknown'. */
  get executionProvider(): string {
    return this.#executionProvider;
  }

  /**
   * Creates the grader. With `options.manifest` nothing is fetched yet (the first grade verifies the server);
   * without it the server's model metadata is fetched now and must carry a valid manifest.
   */
  static async create(options: RemoteGraderOptions): Promise<RemoteGrader> {
    if (options.maxBatchSize !== undefined && (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1)) {
      throw invalidArgument('maxBatchSize', 'an integer >= 1', options.maxBatchSize);
    }
    const client = new OipClient({
      ...options.client,
      baseUrl: options.url,
      ...(options.key === undefined ? {} : { key: options.key }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    const name = options.modelName ?? 'drgrade';
    if (options.manifest !== undefined) return new RemoteGrader(options, options.manifest, client);
    const metadata = await client.modelMetadata(name, options.modelVersion === undefined ? {} : { version: options.modelVersion });
    const published = metadata.parameters?.manifest;
    if (typeof published !== 'string') {
      throw new DrgradeError(
        'MODEL_MANIFEST_INVALID',
        `Expected a 'manifest' parameter in the metadata of model '${name}' but received none; give a local manifest (DRGRADE_MODEL_DIR) for servers that do not publish one`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(published);
    } catch {
      throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected JSON for the 'manifest' parameter of model '${name}' but received text that does not parse`);
    }
    const grader = new RemoteGrader(options, validateManifest(parsed), client);
    grader.#accept(metadata);
    grader.#verified = Promise.resolve();
    return grader;
  }

  async grade(inputs: readonly ModelTensor[], options: { signal?: AbortSignal } = {}): Promise<number[][]> {
    await this.#verify(options.signal);
    const { input, output, preprocessing } = this.manifest;
    const length = 3 * preprocessing.size * preprocessing.size;
    inputs.forEach((x, i) => {
      if (!isModelTensorOf(x, input.datatype) || x.length !== length) {
        const received = x instanceof Float32Array || x instanceof Uint8Array ? `a ${x.constructor.name} of ${x.length} values` : x;
        throw invalidArgument(`inputs[${i}]`, `a ${modelInputDatatypes[input.datatype].array.name} (${input.datatype}) of 3 x ${preprocessing.size} x ${preprocessing.size} = ${length} values`, received);
      }
    });
    const classes = output.shape[1]!;
    const results: number[][] = [];
    for (let start = 0; start < inputs.length; start += this.#maxBatchSize) {
      const chunk = inputs.slice(start, start + this.#maxBatchSize);
      const data = allocateModelTensor(input.datatype, chunk.length * length);
      chunk.forEach((x, i) => data.set(x, i * length));
      const outputs = await this.#client.infer(
        this.#modelName,
        { [input.name]: { datatype: input.datatype, shape: imageTensorShape(input.layout, preprocessing.size, chunk.length), data } },
        { outputs: [output.name], ...(this.#modelVersion === undefined ? {} : { version: this.#modelVersion }), ...(options.signal ? { signal: options.signal } : {}) },
      );
      const tensor = outputs[output.name]!;
      if (tensor.datatype !== 'FP32' || tensor.shape.length !== 2 || tensor.shape[0] !== chunk.length || tensor.shape[1] !== classes) {
        throw new DrgradeError('INFERENCE_BAD_RESPONSE', `Expected output '${output.name}' FP32 [${chunk.length}, ${classes}] but received ${tensor.datatype} ${JSON.stringify(tensor.shape)}`);
      }
      const values = tensor.data as Float32Array;
      if (!values.every(Number.isFinite)) throw new DrgradeError('INFERENCE_BAD_RESPONSE', `Expected finite values for output '${output.name}' but received NaN or Infinity`);
      for (let i = 0; i < chunk.length; i++) {
        results.push(calibrate(values.subarray(i * classes, (i + 1) * classes), { kind: output.kind, ...this.manifest.calibration }));
      }
    }
    return results;
  }

  async ready(): Promise<boolean> {
    return this.#client.modelReady(this.#modelName, this.#modelVersion === undefined ? {} : { version: this.#modelVersion });
  }

  async close(): Promise<void> {
    this.#client.close();
  }

  /** Checks the server's model once (retried on the next call after a transient failure). */
  #verify(signal: AbortSignal | undefined): Promise<void> {
    this.#verified ??= (async () => {
      const metadata = await this.#client.modelMetadata(this.#modelName, {
        ...(this.#modelVersion === undefined ? {} : { version: this.#modelVersion }),
        ...(signal ? { signal } : {}),
      });
      checkAgainstManifest(metadata, this.manifest);
      this.#accept(metadata);
    })();
    const verified = this.#verified;
    verified.catch((error: unknown) => {
      if (error instanceof DrgradeError && error.transient) this.#verified = undefined;
    });
    return verified;
  }

  #accept(metadata: ModelMetadataResponse): void {
    const provider = metadata.parameters?.execution_provider;
    this.#executionProvider = `remote:${typeof provider === 'string' ? provider : 'unknown'}`;
    const serverBatch = metadata.parameters?.max_batch_size;
    if (!this.#fixedBatch && typeof serverBatch === 'number' && Number.isInteger(serverBatch) && serverBatch >= 1) this.#maxBatchSize = serverBatch;
  }
}

/** Throws when the server's model differs from the manifest: identity first, then input and output. */
function checkAgainstManifest(metadata: ModelMetadataResponse, manifest: ModelManifest): void {
  const p = metadata.parameters ?? {};
  if (typeof p.manifest_sha256 === 'string' && p.manifest_sha256 !== manifest.sha256) {
    throw new DrgradeError('MODEL_CHECKSUM_MISMATCH', `Expected sha256 ${manifest.sha256} (local manifest) for the server's model but received ${p.manifest_sha256}`);
  }
  for (const field of ['name', 'version'] as const) {
    const published = p[`manifest_${field}`];
    if (typeof published === 'string' && published !== manifest[field]) {
      throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected ${field} '${manifest[field]}' (local manifest) for the server's model but received '${published}'`);
    }
  }
  const check = (role: 'input' | 'output', tensors: readonly MetadataTensor[], name: string, shape: readonly number[], datatype: string): void => {
    const code = role === 'input' ? 'MODEL_INPUT_MISMATCH' : 'MODEL_OUTPUT_MISMATCH';
    const t = tensors.find((x) => x.name === name);
    if (t === undefined) throw new DrgradeError(code, `Expected an ${role} named '${name}' for the server's model but received ${JSON.stringify(tensors.map((x) => x.name))}`);
    if (t.datatype !== datatype) throw new DrgradeError(code, `Expected datatype ${datatype} for the server's ${role} '${name}' but received ${t.datatype}`);
    // Servers list the batch dimension as -1 (ours, KServe) or leave it out (Triton with max_batch_size > 0).
    const tail = t.shape.length === shape.length ? t.shape.slice(1) : t.shape;
    const ok = tail.length === shape.length - 1 && tail.every((d, i) => d === -1 || d === shape[i + 1]);
    if (!ok) throw new DrgradeError(code, `Expected shape ${JSON.stringify(shape)} for the server's ${role} '${name}' but received ${JSON.stringify(t.shape)}`);
  };
  check('input', metadata.inputs, manifest.input.name, manifest.input.shape, manifest.input.datatype);
  check('output', metadata.outputs, manifest.output.name, manifest.output.shape, 'FP32');
}
