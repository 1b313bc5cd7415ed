import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DrgradeError, invalidArgument, isDrgradeError, type ErrorCode } from '../errors.js';
import { backoffDelayMs } from './backoffDelayMs.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { decodeInferenceBody, encodeInferenceParts } from './inferenceBody.js';
import type { InferenceRequest, ModelMetadataResponse, RequestInput, RequestOutput, ServerMetadataResponse } from './protocol.js';
import { inferenceHeaderContentLength } from './protocol.js';
import type { TensorValue } from './TensorValue.js';
import { tensorFromWire, tensorToWire } from './wireTensor.js';

/** Options of {@link OipClient}. */
export interface OipClientOptions {
  /** Server base URL, e.g. `http://drgrade-inference` (no `/v2`). */
  readonly baseUrl: string;
  /** Bearer key sent as `Authorization: Bearer <key>`. @default none */
  readonly key?: string;
  /** Timeout of one attempt, response body included. @default 20000 */
  readonly timeoutMs?: number;
  /** Attempts per call, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Backoff scale (see `backoffDelayMs`). @default 100 */
  readonly baseDelayMs?: number;
  /** Longest wait between attempts, `Retry-After` included. @default 2000 */
  readonly maxDelayMs?: number;
  /** Consecutive failed attempts that open the circuit. @default 5 */
  readonly breakerFailureThreshold?: number;
  /** How long the circuit stays open. @default 10000 */
  readonly breakerResetMs?: number;
  /** Use the binary tensor data extension for inputs and outputs. @default true */
  readonly binary?: boolean;
  /** Uniform random number in [0, 1) for jitter. @default Math.random */
  readonly random?: () => number;
}

/** Options of one {@link OipClient.infer}. */
export interface InferOptions {
  /** Model version. @default the server's choice */
  readonly version?: string;
  /** Outputs to return. @default all */
  readonly outputs?: readonly string[];
  /** Overrides the client's `binary` for this call. */
  readonly binary?: boolean;
  /** The caller's deadline: aborting stops the call (and its retries) with `DEADLINE_EXCEEDED`. */
  readonly signal?: AbortSignal;
}

interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Open Inference Protocol (KServe v2) REST client; works against any such server (drgrade's, Triton, KServe,
 * MLServer). Each call makes up to `maxAttempts` attempts, each bounded by `timeoutMs`; it retries network
 * errors, timeouts, 429, 503 and other 5xx answers with exponential backoff and full jitter (honouring
 * `Retry-After`), and a circuit breaker fails calls fast while the server is down. Errors are `DrgradeError`s:
 * `INFERENCE_UNAVAILABLE`, `INFERENCE_TIMEOUT`, `INFERENCE_OVERLOADED`, `INFERENCE_BAD_RESPONSE` and
 * `CIRCUIT_OPEN` are transient; `INFERENCE_REJECTED` (4xx: bad request, unknown model, wrong key) is not;
 * `DEADLINE_EXCEEDED` when the caller's signal aborts.
 */
export class OipClient {
  /** The circuit breaker shared by every call of this client. */
  readonly breaker: CircuitBreaker;
  readonly #base: string;
  readonly #key: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #backoff: { baseDelayMs: number; maxDelayMs: number; random: () => number };
  readonly #binary: boolean;
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #send: typeof httpRequest;

  constructor(options: OipClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw invalidArgument('baseUrl', 'an absolute http(s) URL', options.baseUrl);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidArgument('baseUrl', 'an absolute http(s) URL', options.baseUrl);
    this.#base = url.href.replace(/\/+$/, '');
    this.#key = options.key;
    this.#timeoutMs = options.timeoutMs ?? 20_000;
    this.#maxAttempts = options.maxAttempts ?? 3;
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1) throw invalidArgument('maxAttempts', 'an integer >= 1', options.maxAttempts);
    this.#backoff = { baseDelayMs: options.baseDelayMs ?? 100, maxDelayMs: options.maxDelayMs ?? 2000, random: options.random ?? Math.random };
    this.#binary = options.binary ?? true;
    // node:http with a keep-alive agent rather than fetch: a fraction of fetch's per-request cost, which matters
    // when the model itself runs in a few milliseconds.
    this.#agent = url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.#send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    this.breaker = new CircuitBreaker({
      ...(options.breakerFailureThreshold === undefined ? {} : { failureThreshold: options.breakerFailureThreshold }),
      ...(options.breakerResetMs === undefined ? {} : { resetAfterMs: options.breakerResetMs }),
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.#agent.destroy();
  }

  /** `GET /v2/health/live` in one attempt: false when the server does not answer 200. */
  async serverLive(signal?: AbortSignal): Promise<boolean> {
    return this.#probe('/v2/health/live', signal);
  }

  /** `GET /v2/health/ready` in one attempt: false when the server does not answer 200. */
  async serverReady(signal?: AbortSignal): Promise<boolean> {
    return this.#probe('/v2/health/ready', signal);
  }

  /** `GET /v2/models/{name}[/versions/{v}]/ready` in one attempt: false unless 200. */
  async modelReady(name: string, options: { version?: string; signal?: AbortSignal } = {}): Promise<boolean> {
    return this.#probe(`${modelPath(name, options.version)}/ready`, options.signal);
  }

  /** `GET /v2`. */
  async serverMetadata(signal?: AbortSignal): Promise<ServerMetadataResponse> {
    const answer = await this.#call('GET', '/v2', undefined, signal);
    return parseJsonObject(answer) as unknown as ServerMetadataResponse;
  }

  /** `GET /v2/models/{name}[/versions/{v}]`, checked to have the protocol's fields. */
  async modelMetadata(name: string, options: { version?: string; signal?: AbortSignal } = {}): Promise<ModelMetadataResponse> {
    const answer = await this.#call('GET', modelPath(name, options.version), undefined, options.signal);
    const json = parseJsonObject(answer);
    const tensors = (v: unknown): boolean =>
      Array.isArray(v) && v.every((t) => typeof t?.name === 'string' && typeof t?.datatype === 'string' && Array.isArray(t?.shape));
    if (typeof json.name !== 'string' || !tensors(json.inputs) || !tensors(json.outputs)) {
      throw badResponse('model metadata with name, inputs and outputs', 'another JSON object');
    }
    return json as unknown as ModelMetadataResponse;
  }

  /** `POST /v2/models/{name}[/versions/{v}]/infer`: sends `inputs`, returns the outputs by name. */
  async infer(name: string, inputs: Readonly<Record<string, TensorValue>>, options: InferOptions = {}): Promise<Record<string, TensorValue>> {
    const binary = options.binary ?? this.#binary;
    const chunks: Uint8Array[] = [];
    const requestInputs: RequestInput[] = Object.entries(inputs).map(([inputName, tensor]) => {
      const { chunk, ...wire } = tensorToWire(tensor, binary);
      if (chunk) chunks.push(chunk);
      return { name: inputName, ...wire };
    });
    const outputs: RequestOutput[] | undefined = options.outputs?.map((o) => (binary ? { name: o, parameters: { binary_data: true } } : { name: o }));
    const request: InferenceRequest = {
      // The server may drop the request from its queue once this attempt's timeout has passed (Triton's microseconds).
      parameters: { ...(binary ? { binary_data_output: true } : {}), timeout: this.#timeoutMs * 1000 },
      inputs: requestInputs,
      ...(outputs ? { outputs } : {}),
    };
    const encoded = encodeInferenceParts(request, chunks);
    const headers: Record<string, string> = { 'Content-Type': encoded.headerContentLength === undefined ? 'application/json' : 'application/octet-stream' };
    if (encoded.headerContentLength !== undefined) headers['Inference-Header-Content-Length'] = String(encoded.headerContentLength);
    const answer = await this.#call('POST', `${modelPath(name, options.version)}/infer`, { body: encoded.parts, headers }, options.signal);

    const headerLength = answer.headers[inferenceHeaderContentLength];
    const decoded = decodeInferenceBody(answer.body, Array.isArray(headerLength) ? headerLength[0] : headerLength, 'INFERENCE_BAD_RESPONSE');
    const entries = (decoded.json as { outputs?: unknown }).outputs;
    if (!Array.isArray(entries)) throw badResponse('an outputs array in the infer response', typeof entries);
    const result: Record<string, TensorValue> = {};
    let offset = 0;
    for (const entry of entries) {
      const outputName = (entry as { name?: unknown } | null)?.name;
      if (typeof outputName !== 'string') throw badResponse('a name for every output', outputName);
      const { tensor, nextOffset } = tensorFromWire(entry, decoded.binary, offset, `output '${outputName}'`, 'INFERENCE_BAD_RESPONSE');
      result[outputName] = tensor;
      offset = nextOffset;
    }
    for (const wanted of options.outputs ?? []) {
      if (result[wanted] === undefined) throw badResponse(`output '${wanted}' in the infer response`, `outputs ${JSON.stringify(Object.keys(result))}`);
    }
    return result;
  }

  async #probe(path: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.#call('GET', path, undefined, signal, 1);
      return true;
    } catch (error) {
      if (isDrgradeError(error, 'DEADLINE_EXCEEDED')) throw error;
      return false;
    }
  }

  /** One call: attempts with timeouts, retries with backoff, breaker bookkeeping; returns a 2xx answer. */
  async #call(
    method: 'GET' | 'POST',
    path: string,
    payload: { body: Buffer | readonly Uint8Array[]; headers: Record<string, string> } | undefined,
    signal: AbortSignal | undefined,
    maxAttempts = this.#maxAttempts,
  ): Promise<HttpAnswer> {
    const what = `${method} ${path}`;
    let lastError: DrgradeError | undefined;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (signal?.aborted) throw deadline(what, signal.reason);
      this.breaker.acquire();
      const outcome = await this.#attempt(method, path, payload, signal, what);
      if (!(outcome instanceof DrgradeError)) {
        this.breaker.onSuccess();
        return outcome;
      }
      if (outcome.code === 'DEADLINE_EXCEEDED') {
        this.breaker.onNeutral();
        throw outcome;
      }
      if (outcome.code === 'INFERENCE_REJECTED') {
        // The server answered: it is up, the request is at fault.
        this.breaker.onSuccess();
        throw outcome;
      }
      this.breaker.onFailure();
      lastError = outcome;
      if (attempt + 1 >= maxAttempts) break;
      const retryAfterMs = outcome.details.retryAfterMs;
      const delay =
        typeof retryAfterMs === 'number' ? Math.min(retryAfterMs, this.#backoff.maxDelayMs) : backoffDelayMs(attempt, this.#backoff);
      await sleep(delay, signal, what);
    }
    throw new DrgradeError(lastError!.code, `${lastError!.message} (after ${maxAttempts} attempt${maxAttempts === 1 ? '' : 's'})`, {
      cause: lastError,
      details: { ...lastError!.details, attempts: maxAttempts },
    });
  }

  /** One attempt; returns the 2xx answer or the typed error it amounts to (never throws). */
  async #attempt(
    method: 'GET' | 'POST',
    path: string,
    payload: { body: Buffer | readonly Uint8Array[]; headers: Record<string, string> } | undefined,
    signal: AbortSignal | undefined,
    what: string,
  ): Promise<HttpAnswer | DrgradeError> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { Accept: 'application/json, application/octet-stream', ...(payload?.headers ?? {}) };
    if (this.#key !== undefined) headers.Authorization = `Bearer ${this.#key}`;
    let answer: HttpAnswer;
    try {
      answer = await this.#exchange(method, path, headers, payload?.body, combined);
    } catch (error) {
      if (signal?.aborted) return deadline(what, signal.reason);
      if (timeout.aborted) return new DrgradeError('INFERENCE_TIMEOUT', `Expected an answer to ${what} within ${this.#timeoutMs} ms but received none`, { cause: error });
      const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      return new DrgradeError('INFERENCE_UNAVAILABLE', `Expected an answer to ${what} but received a network error (${reason})`, { cause: error });
    }
    const { status, headers: responseHeaders, body } = answer;
    if (status >= 200 && status < 300) return answer;
    const serverMessage = errorText(body);
    const message = `Expected a 2xx answer to ${what} but received ${status}${serverMessage ? `: ${serverMessage}` : ''}`;
    const retryAfterMs = parseRetryAfter(responseHeaders['retry-after']);
    const details = { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    let code: ErrorCode;
    if (status === 429 || (status === 503 && /queue|overload/i.test(serverMessage))) code = 'INFERENCE_OVERLOADED';
    else if (status === 504 || status === 408) code = 'INFERENCE_TIMEOUT';
    else if (status >= 500) code = 'INFERENCE_UNAVAILABLE';
    else code = 'INFERENCE_REJECTED';
    return new DrgradeError(code, message, { details });
  }

  /** One HTTP exchange; rejects on network errors and when `signal` aborts (body included). */
  #exchange(method: string, path: string, headers: Record<string, string>, body: Buffer | readonly Uint8Array[] | undefined, signal: AbortSignal): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      const parts = body === undefined ? [] : Buffer.isBuffer(body) ? [body] : body;
      const length = parts.reduce((n, p) => n + p.length, 0);
      const outgoing = body === undefined ? headers : { ...headers, 'Content-Length': String(length) };
      const req = this.#send(`${this.#base}${path}`, { method, headers: outgoing, agent: this.#agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
        res.once('close', () => {
          if (!res.complete) reject(new Error('connection closed before the response ended'));
        });
      });
      // `on`, not `once`: a second error (e.g. a reset after an abort) must not become an uncaught exception.
      req.on('error', reject);
      // The parts go out as they are (the tensor bytes are not copied into one buffer first), corked so that the
      // headers and every part leave in one writev: written one by one, the JSON header went out in a segment of
      // its own and the server read the request in more pieces.
      req.cork();
      for (let i = 0; i < parts.length - 1; i++) req.write(parts[i]!);
      req.end(parts[parts.length - 1]);
      req.uncork();
    });
  }
}

function modelPath(name: string, version: string | undefined): string {
  return `/v2/models/${encodeURIComponent(name)}${version === undefined ? '' : `/versions/${encodeURIComponent(version)}`}`;
}

function parseJsonObject(answer: HttpAnswer): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw badResponse('a JSON body', `${answer.body.length} bytes that do not parse`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badResponse('a JSON object', Array.isArray(json) ? 'an array' : String(json));
  return json as Record<string, unknown>;
}

function badResponse(expected: string, received: unknown): DrgradeError {
  return new DrgradeError('INFERENCE_BAD_RESPONSE', `Expected ${expected} but received ${typeof received === 'string' ? received : JSON.stringify(received)}`);
}

function deadline(what: string, reason: unknown): DrgradeError {
  return new DrgradeError('DEADLINE_EXCEEDED', `Expected ${what} to finish before the caller's deadline but received an abort`, { cause: reason });
}

function errorText(body: Buffer): string {
  const text = body.subarray(0, 2000).toString('utf8');
  try {
    const json = JSON.parse(text) as { error?: unknown };
    if (typeof json.error === 'string') return json.error.slice(0, 300);
  } catch {
    // Not the protocol's error object: show the start of the body.
  }
  return text.slice(0, 200);
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(deadline(what, signal.reason));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(deadline(what, signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
