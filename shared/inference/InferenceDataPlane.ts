import { DrgradeError, invalidArgument } from '../errors.js';
import { DynamicBatcher } from './DynamicBatcher.js';
import { encodeInferenceBody, type DecodedInferenceBody, type EncodedInferenceBody } from './inferenceBody.js';
import type { ModelRuntime } from './ModelRuntime.js';
import type { InferenceResponse, MetadataTensor, ModelMetadataResponse, Parameters, ResponseOutput, ServerMetadataResponse } from './protocol.js';
import { elementCount, type TensorValue } from './TensorValue.js';
import { tensorFromWire, tensorToWire } from './wireTensor.js';

/** Options of {@link InferenceDataPlane}. */
export interface InferenceDataPlaneOptions {
  /** See `DynamicBatcherOptions.maxBatchSize`. @default 16 */
  readonly maxBatchSize?: number;
  /** See `DynamicBatcherOptions.maxQueueDelayMs`. @default 0 */
  readonly maxQueueDelayMs?: number;
  /** See `DynamicBatcherOptions.maxQueueSize`. @default 128 */
  readonly maxQueueSize?: number;
  /** Told about every batch that starts and how long it ran (for metrics). */
  readonly onBatch?: (batch: { requests: number; rows: number }) => void;
  /** Told how long each batch ran on the runtime. */
  readonly onExecuted?: (seconds: number) => void;
  /** Server name in `GET /v2`. @default 'drgrade' */
  readonly serverName?: string;
  /** Server version in `GET /v2`. @default '1' */
  readonly serverVersion?: string;
}

/** One request's validated inputs, as queued in the batcher. */
interface Work {
  readonly feeds: Record<string, TensorValue>;
  readonly rows: number;
}

/**
 * The protocol's data plane, between the HTTP routes and the runtime: resolves model names and versions, checks
 * input names, datatypes and shapes against the model metadata, queues requests in the dynamic batcher, and
 * builds responses (JSON or binary outputs as asked). Errors are `DrgradeError`s whose status the HTTP layer
 * answers: 400 `INVALID_ARGUMENT`, 404 `NOT_FOUND`, 503 `INFERENCE_UNAVAILABLE` / `INFERENCE_OVERLOADED`,
 * 504 `DEADLINE_EXCEEDED`.
 */
export class InferenceDataPlane {
  readonly #batcher: DynamicBatcher<Work, Record<string, TensorValue>>;
  readonly #serverName: string;
  readonly #serverVersion: string;
  readonly #onExecuted: ((seconds: number) => void) | undefined;
  #runtime: ModelRuntime | undefined;
  #closed = false;

  constructor(options: InferenceDataPlaneOptions = {}) {
    this.#serverName = options.serverName ?? 'drgrade';
    this.#serverVersion = options.serverVersion ?? '1';
    this.#onExecuted = options.onExecuted;
    this.#batcher = new DynamicBatcher<Work, Record<string, TensorValue>>({
      ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
      ...(options.maxQueueDelayMs === undefined ? {} : { maxQueueDelayMs: options.maxQueueDelayMs }),
      ...(options.maxQueueSize === undefined ? {} : { maxQueueSize: options.maxQueueSize }),
      rowsOf: (work) => work.rows,
      execute: (items) => this.#executeBatch(items),
      ...(options.onBatch === undefined ? {} : { onBatch: options.onBatch }),
    });
  }

  /** Serves `runtime` from now on: the model is loaded and warmed up, so the server becomes ready. */
  attach(runtime: ModelRuntime): void {
    this.#runtime = runtime;
  }

  /** The runtime served, once attached. */
  get runtime(): ModelRuntime | undefined {
    return this.#runtime;
  }

  /** Ready to infer: a model is attached and the plane is not shutting down. */
  get ready(): boolean {
    return this.#runtime !== undefined && !this.#closed;
  }

  /** Requests waiting in the batcher. */
  get queueDepth(): number {
    return this.#batcher.queueDepth;
  }

  /** Largest batch the batcher forms. */
  get maxBatchSize(): number {
    return this.#batcher.maxBatchSize;
  }

  /** `GET /v2`. */
  serverMetadata(): ServerMetadataResponse {
    return { name: this.#serverName, version: this.#serverVersion, extensions: ['binary_tensor_data'] };
  }

  /** `GET /v2/models/{name}[/versions/{version}]`. */
  modelMetadata(name: string, version?: string): ModelMetadataResponse {
    const runtime = this.#model(name, version);
    return {
      name: runtime.name,
      versions: [runtime.version],
      platform: runtime.platform,
      inputs: runtime.inputs,
      outputs: runtime.outputs,
      parameters: { ...runtime.parameters, max_batch_size: this.#batcher.maxBatchSize },
    };
  }

  /** `GET /v2/models/{name}[/versions/{version}]/ready`: throws `NOT_FOUND` for an unknown model. */
  modelReady(name: string, version?: string): boolean {
    this.#model(name, version);
    return this.ready;
  }

  /**
   * `POST /v2/models/{name}[/versions/{version}]/infer` on a decoded body. The request parameter `timeout`
   * (microseconds, as in Triton) sets how long the request may wait in the queue; `signal` drops it from the
   * queue (the client went away).
   */
  async infer(name: string, version: string | undefined, body: DecodedInferenceBody, options: { signal?: AbortSignal } = {}): Promise<EncodedInferenceBody> {
    const runtime = this.#model(name, version);
    const request = body.json as Record<string, unknown>;
    const parameters = parametersOf(request.parameters, 'parameters');
    const feeds = readInputs(request.inputs, runtime.inputs, body.binary);
    const outputs = selectOutputs(request.outputs, runtime.outputs, parameters.binary_data_output === true);
    const rows = Object.values(feeds)[0]!.shape[0]!;
    const timeoutUs = parameters.timeout;
    if (timeoutUs !== undefined && (typeof timeoutUs !== 'number' || !(timeoutUs > 0))) throw invalidArgument('parameters.timeout', 'a positive number of microseconds', timeoutUs);
    const deadline = typeof timeoutUs === 'number' ? Date.now() + timeoutUs / 1000 : undefined;
    const result = await this.#batcher.submit({ feeds, rows }, { ...(deadline === undefined ? {} : { deadline }), ...(options.signal ? { signal: options.signal } : {}) });

    const chunks: Uint8Array[] = [];
    const responseOutputs: ResponseOutput[] = outputs.map(({ name: outputName, binary }) => {
      const { chunk, ...wire } = tensorToWire(result[outputName]!, binary);
      if (chunk) chunks.push(chunk);
      return { name: outputName, ...wire };
    });
    const response: InferenceResponse = {
      model_name: runtime.name,
      model_version: runtime.version,
      ...(typeof request.id === 'string' ? { id: request.id } : {}),
      outputs: responseOutputs,
    };
    return encodeInferenceBody(response, chunks);
  }

  /** Stops accepting work; queued requests fail with `INFERENCE_UNAVAILABLE`; releases the runtime after the running batch. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#batcher.close();
    await this.#runtime?.close();
  }

  #model(name: string, version: string | undefined): ModelRuntime {
    const runtime = this.#runtime;
    if (this.#closed) throw new DrgradeError('INFERENCE_UNAVAILABLE', 'Expected a running server but received a shutdown in progress');
    if (runtime === undefined) throw new DrgradeError('INFERENCE_UNAVAILABLE', 'Expected a loaded model but received a server still loading it');
    if (name !== runtime.name) throw new DrgradeError('NOT_FOUND', `Expected model '${runtime.name}' for model name but received ${JSON.stringify(name)}`);
    if (version !== undefined && version !== runtime.version) {
      throw new DrgradeError('NOT_FOUND', `Expected version '${runtime.version}' for model '${runtime.name}' but received ${JSON.stringify(version)}`);
    }
    return runtime;
  }

  async #executeBatch(items: Work[]): Promise<Record<string, TensorValue>[]> {
    const runtime = this.#runtime!;
    const totalRows = items.reduce((n, w) => n + w.rows, 0);
    const feeds: Record<string, TensorValue> = {};
    for (const meta of runtime.inputs) {
      feeds[meta.name] = items.length === 1 ? items[0]!.feeds[meta.name]! : concatRows(items.map((w) => w.feeds[meta.name]!), totalRows);
    }
    const started = performance.now();
    const outputs = await runtime.run(feeds);
    this.#onExecuted?.((performance.now() - started) / 1000);
    const results: Record<string, TensorValue>[] = items.map(() => ({}));
    for (const meta of runtime.outputs) {
      const tensor = outputs[meta.name];
      if (tensor === undefined || tensor.shape[0] !== totalRows) {
        throw new DrgradeError('MODEL_OUTPUT_MISMATCH', `Expected ${totalRows} rows for output '${meta.name}' but received ${tensor ? tensor.shape[0] : 'nothing'}`);
      }
      const rowLength = elementCount(tensor.shape.slice(1));
      let row = 0;
      items.forEach((w, i) => {
        const data = items.length === 1 ? tensor.data : tensor.data.slice(row * rowLength, (row + w.rows) * rowLength);
        results[i]![meta.name] = { datatype: tensor.datatype, shape: [w.rows, ...tensor.shape.slice(1)], data };
        row += w.rows;
      });
    }
    return results;
  }
}

function parametersOf(value: unknown, field: string): Parameters {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument(field, 'an object', value);
  return value as Parameters;
}

function readInputs(value: unknown, expected: readonly MetadataTensor[], binary: Buffer): Record<string, TensorValue> {
  if (!Array.isArray(value) || value.length === 0) throw invalidArgument('inputs', 'a non-empty array', value);
  const feeds: Record<string, TensorValue> = {};
  let offset = 0;
  let rows: number | undefined;
  for (const [i, entry] of value.entries()) {
    if (typeof entry !== 'object' || entry === null) throw invalidArgument(`inputs[${i}]`, 'an object', entry);
    const name = (entry as { name?: unknown }).name;
    const meta = expected.find((m) => m.name === name);
    if (meta === undefined) throw invalidArgument(`inputs[${i}].name`, `one of ${JSON.stringify(expected.map((m) => m.name))}`, name);
    if (feeds[meta.name] !== undefined) throw invalidArgument(`inputs[${i}].name`, 'each input once', name);
    const datatype = (entry as { datatype?: unknown }).datatype;
    if (datatype !== meta.datatype) throw invalidArgument(`datatype of input '${meta.name}'`, meta.datatype, datatype);
    const { tensor, nextOffset } = tensorFromWire(entry, binary, offset, `input '${meta.name}'`, 'INVALID_ARGUMENT');
    offset = nextOffset;
    const shape = tensor.shape;
    const compatible = shape.length === meta.shape.length && shape[0]! >= 1 && meta.shape.every((d, k) => k === 0 || d === -1 || d === shape[k]);
    if (!compatible) throw invalidArgument(`shape of input '${meta.name}'`, `${JSON.stringify(meta.shape)} with a batch of at least 1`, JSON.stringify(shape));
    if (rows !== undefined && shape[0] !== rows) throw invalidArgument(`shape of input '${meta.name}'`, `the same batch size as the other inputs (${rows})`, shape[0]);
    rows = shape[0];
    feeds[meta.name] = tensor;
  }
  const missing = expected.filter((m) => feeds[m.name] === undefined).map((m) => m.name);
  if (missing.length > 0) throw invalidArgument('inputs', `every model input ${JSON.stringify(expected.map((m) => m.name))}`, `no ${JSON.stringify(missing)}`);
  if (offset !== binary.length) throw invalidArgument('binary data', `${offset} bytes (the sum of binary_data_size)`, `${binary.length} bytes`);
  return feeds;
}

function selectOutputs(value: unknown, available: readonly MetadataTensor[], binaryByDefault: boolean): { name: string; binary: boolean }[] {
  if (value === undefined) return available.map((m) => ({ name: m.name, binary: binaryByDefault }));
  if (!Array.isArray(value)) throw invalidArgument('outputs', 'an array', value);
  return value.map((entry: unknown, i) => {
    const name = (entry as { name?: unknown } | null)?.name;
    if (!available.some((m) => m.name === name)) throw invalidArgument(`outputs[${i}].name`, `one of ${JSON.stringify(available.map((m) => m.name))}`, name);
    const parameters = parametersOf((entry as { parameters?: unknown }).parameters, `outputs[${i}].parameters`);
    const binary = parameters.binary_data === undefined ? binaryByDefault : parameters.binary_data === true;
    return { name: name as string, binary };
  });
}

function concatRows(tensors: TensorValue[], totalRows: number): TensorValue {
  const first = tensors[0]!;
  const Ctor = first.data.constructor as new (length: number) => TensorValue['data'];
  const data = new Ctor(first.data.length / first.shape[0]! * totalRows);
  let offset = 0;
  for (const t of tensors) {
    (data as Float32Array).set(t.data as Float32Array, offset);
    offset += t.data.length;
  }
  return { datatype: first.datatype, shape: [totalRows, ...first.shape.slice(1)], data };
}
