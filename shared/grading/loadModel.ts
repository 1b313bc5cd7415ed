import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import type { ExecutionProviderPreference } from '../config/settings.js';
import { DrgradeError, type ErrorCode } from '../errors.js';
import type { ModelManifest } from './ModelManifest.js';
import { validateManifest } from './validateManifest.js';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /**
   * Execution provider: 'cpu'; 'cuda' (fails with `EXECUTION_PROVIDER_UNAVAILABLE` when CUDA cannot load);
   * 'auto' (CUDA when it loads, else CPU).
   * @default 'cpu'
   */
  readonly executionProvider?: ExecutionProviderPreference;
  /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose (one per physical core). @default 0 */
  readonly intraOpNumThreads?: number;
  /**
   * Let idle intra-op threads spin-wait for the next run (ONNX Runtime's own default). Off here: drgrade runs
   * inference between other work on the same cores (HTTP parsing in the server, image analysis in the pipeline),
   * and spinning threads take those cores away; measured on a busy 2-core machine, the server's overhead over session.run fell
   * from 11 % to 0.3 % with spinning off (`drgrade bench inference`).
   * @default false
   */
  readonly intraOpSpinning?: boolean;
}

/** A model folder that passed every check, with its ONNX Runtime session. */
export interface LoadedModel {
  /** Absolute path of the model folder. */
  readonly dir: string;
  readonly manifest: ModelManifest;
  /** The session, created once; its owner releases it. */
  readonly session: InferenceSession;
  /** The provider the session actually runs on. */
  readonly executionProvider: 'cpu' | 'cuda';
}

/** Name of the manifest file inside a model folder. */
const manifestFile = 'model.json';
/** Name of the ONNX file inside a model folder. */
const onnxFile = 'model.onnx';

/**
 * Loads a model folder (`model.onnx` + `model.json`): validates the manifest, verifies the ONNX file's sha256,
 * creates the session on the asked execution provider and checks the graph's input and output against the
 * manifest. Each failure has its own code: `MODEL_NOT_FOUND`, `MODEL_MANIFEST_INVALID`, `MODEL_CHECKSUM_MISMATCH`,
 * `MODEL_INPUT_MISMATCH`, `MODEL_OUTPUT_MISMATCH`, `EXECUTION_PROVIDER_UNAVAILABLE`.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const absolute = resolve(dir);
  const manifest = await readModelManifest(absolute);
  const bytes = await readRequired(join(absolute, onnxFile));
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== manifest.sha256) {
    throw new DrgradeError('MODEL_CHECKSUM_MISMATCH', `Expected sha256 ${manifest.sha256} (model.json) for ${onnxFile} but received ${actual}`, {
      details: { expected: manifest.sha256, actual },
    });
  }
  const { session, executionProvider } = await createSession(bytes, options);
  try {
    checkTensor(session, 'input', manifest.input.name, manifest.input.shape);
    checkTensor(session, 'output', manifest.output.name, manifest.output.shape);
  } catch (error) {
    await session.release();
    throw error;
  }
  return { dir: absolute, manifest, session, executionProvider };
}

/**
 * Reads and validates only the manifest of a model folder (no ONNX file, no session): what a remote grader
 * needs to check a server's model against.
 */
export async function readModelManifest(dir: string): Promise<ModelManifest> {
  const path = join(resolve(dir), manifestFile);
  const text = (await readRequired(path)).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected JSON for ${manifestFile} but received text that does not parse (${(error as Error).message})`, {
      cause: error,
    });
  }
  return validateManifest(parsed);
}

async function readRequired(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
      throw new DrgradeError('MODEL_NOT_FOUND', `Expected a model file at ${path} but received ${code}`, { cause: error });
    }
    throw new DrgradeError('MODEL_NOT_FOUND', `Expected a readable model file at ${path} but received ${code ?? String(error)}`, { cause: error });
  }
}

async function createSession(bytes: Uint8Array, options: LoadModelOptions): Promise<{ session: InferenceSession; executionProvider: 'cpu' | 'cuda' }> {
  const preference = options.executionProvider ?? 'cpu';
  const base: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    extra: { session: { intra_op: { allow_spinning: options.intraOpSpinning ? '1' : '0' } } },
  };
  if (preference !== 'cpu') {
    try {
      // CPU stays listed so that operators CUDA lacks fall back instead of failing the whole graph.
      const session = await InferenceSession.create(bytes, { ...base, executionProviders: ['cuda', 'cpu'] });
      return { session, executionProvider: 'cuda' };
    } catch (error) {
      if (preference === 'cuda') {
        throw new DrgradeError(
          'EXECUTION_PROVIDER_UNAVAILABLE',
          `Expected the CUDA execution provider to load for executionProvider 'cuda' but received: ${(error as Error).message}. ` +
            "Install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 on a host with CUDA 12 and cuDNN 9, or choose 'auto' or 'cpu'.",
          { cause: error },
        );
      }
    }
  }
  const session = await InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] });
  return { session, executionProvider: 'cpu' };
}

function checkTensor(session: InferenceSession, role: 'input' | 'output', name: string, shape: readonly number[]): void {
  const code: ErrorCode = role === 'input' ? 'MODEL_INPUT_MISMATCH' : 'MODEL_OUTPUT_MISMATCH';
  const all = role === 'input' ? session.inputMetadata : session.outputMetadata;
  const meta = all.find((m) => m.name === name);
  if (meta === undefined) {
    throw new DrgradeError(code, `Expected an ${role} named '${name}' (model.json) for ${onnxFile} but received ${role}s ${JSON.stringify(all.map((m) => m.name))}`, {
      details: { role, field: 'name' },
    });
  }
  if (role === 'input' && all.length !== 1) {
    throw new DrgradeError(code, `Expected exactly one input for ${onnxFile} but received ${JSON.stringify(all.map((m) => m.name))}`, {
      details: { role, field: 'count' },
    });
  }
  if (!meta.isTensor || meta.type !== 'float32') {
    throw new DrgradeError(code, `Expected a float32 tensor for ${onnxFile} ${role} '${name}' but received ${meta.isTensor ? meta.type : 'a non-tensor value'}`, {
      details: { role, field: 'datatype' },
    });
  }
  // ONNX Runtime reports a dynamic dimension by its symbolic name (a string) and a fixed one as a number.
  const graphShape = meta.shape;
  const compatible =
    graphShape.length === shape.length &&
    graphShape.every((dim, i) => {
      const wanted = shape[i]!;
      if (typeof dim !== 'number' || dim < 0) return true;
      return wanted !== -1 && dim === wanted;
    });
  if (!compatible) {
    const shown = JSON.stringify(graphShape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)));
    throw new DrgradeError(code, `Expected shape ${JSON.stringify(shape)} (model.json) for ${onnxFile} ${role} '${name}' but received ${shown}`, {
      details: { role, field: 'shape' },
    });
  }
}
