import { join, resolve } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { DrgradeError, type ErrorCode } from '../errors.js';
import { createOrtSession, type OrtSessionOptions } from '../model/createOrtSession.js';
import { modelInputDatatypes } from '../model/ModelTensor.js';
import { readModelFile, verifySha256 } from '../model/readModelFile.js';
import type { ModelManifest } from './ModelManifest.js';
import { validateManifest } from './validateManifest.js';

/** Options of {@link loadModel}: how its ONNX Runtime session is created. */
export type LoadModelOptions = OrtSessionOptions;

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
  const bytes = await readModelFile(join(absolute, onnxFile));
  verifySha256(bytes, manifest.sha256, onnxFile);
  const { session, executionProvider } = await createOrtSession(bytes, options);
  try {
    checkTensor(session, 'input', manifest.input.name, manifest.input.shape, modelInputDatatypes[manifest.input.datatype].ortType);
    checkTensor(session, 'output', manifest.output.name, manifest.output.shape, 'float32');
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
  const text = (await readModelFile(path)).toString('utf8');
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

function checkTensor(session: InferenceSession, role: 'input' | 'output', name: string, shape: readonly number[], ortType: string): void {
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
  if (!meta.isTensor || meta.type !== ortType) {
    throw new DrgradeError(code, `Expected a ${ortType} tensor (model.json) for ${onnxFile} ${role} '${name}' but received ${meta.isTensor ? meta.type : 'a non-tensor value'}`, {
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
