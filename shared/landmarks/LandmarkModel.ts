import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { DrgradeError } from '../errors.js';
import type { RgbImage } from '../image/RgbImage.js';
import { createOrtSession, type OrtSessionOptions } from '../model/createOrtSession.js';
import { packageModelsDir } from '../model/packageModelsDir.js';
import { readModelFile, verifySha256 } from '../model/readModelFile.js';
import { landmarkInputPx, landmarkModelInput } from './landmarkModelInput.js';
import { landmarkNames, validateLandmarkManifest, type LandmarkModelManifest, type LandmarkName } from './LandmarkModelManifest.js';

/** One landmark as the model sees it, in the pixels of the image it was given. */
export interface LearnedLandmark {
  readonly x: number;
  readonly y: number;
  /** Probability inside the 5 × 5 cells around the peak (0–1): how sure the model is of this place. */
  readonly mass: number;
  /** Probability that the landmark lies outside the photographed field. */
  readonly absent: number;
}

/** Cells on each side of the peak that the decoder averages over (the recipe's `decode` uses the same). */
const decodeWindow = 2;

/**
 * A loaded landmark model (manifest checked, ONNX file's sha256 verified, session created): `predict` finds the optic
 * disc and the fovea in a normalised image (FOV centred, 2 % margin), whatever its camera, field or colour.
 */
export class LandmarkModel {
  readonly manifest: LandmarkModelManifest;
  readonly dir: string;
  readonly #session: InferenceSession;

  private constructor(dir: string, manifest: LandmarkModelManifest, session: InferenceSession) {
    this.dir = dir;
    this.manifest = manifest;
    this.#session = session;
  }

  /**
   * Loads `model.json` + `model.onnx` from `dir`. Failures: `MODEL_NOT_FOUND`, `MODEL_MANIFEST_INVALID`,
   * `MODEL_CHECKSUM_MISMATCH`, `MODEL_INPUT_MISMATCH`, `MODEL_OUTPUT_MISMATCH`.
   * @param options session options; by default one intra-op thread on the calling thread (it runs inside the
   *   analysis of one photograph, one photograph per core, and takes a few milliseconds).
   */
  static async load(dir: string, options: OrtSessionOptions = { intraOpNumThreads: 1 }): Promise<LandmarkModel> {
    const absolute = resolve(dir);
    const text = (await readModelFile(join(absolute, 'model.json'))).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected JSON for model.json but received text that does not parse (${(error as Error).message})`, { cause: error });
    }
    const manifest = validateLandmarkManifest(parsed);
    const bytes = await readModelFile(join(absolute, 'model.onnx'));
    verifySha256(bytes, manifest.sha256, 'model.onnx');
    const { session } = await createOrtSession(bytes, { sessionWorkers: 0, ...options });
    const input = session.inputMetadata.find((m) => m.name === manifest.input.name);
    if (!input || session.inputMetadata.length !== 1 || !input.isTensor || input.type !== 'uint8') {
      await session.release();
      throw new DrgradeError('MODEL_INPUT_MISMATCH', `Expected one uint8 input '${manifest.input.name}' (model.json) for model.onnx but received ${JSON.stringify(session.inputMetadata.map((m) => [m.name, m.isTensor ? m.type : 'non-tensor']))}`);
    }
    for (const name of [manifest.output.heatmaps.name, manifest.output.absent.name]) {
      const output = session.outputMetadata.find((m) => m.name === name);
      if (!output || !output.isTensor || output.type !== 'float32') {
        await session.release();
        throw new DrgradeError('MODEL_OUTPUT_MISMATCH', `Expected a float32 output '${name}' (model.json) for model.onnx but received ${JSON.stringify(session.outputMetadata.map((m) => m.name))}`);
      }
    }
    return new LandmarkModel(absolute, manifest, session);
  }

  /** Disc and fovea of `normalised` (the analysis core's normalised image, square), in its pixels. */
  async predict(normalised: RgbImage): Promise<Record<LandmarkName, LearnedLandmark>> {
    if (normalised.width !== normalised.height) throw new DrgradeError('INVALID_ARGUMENT', `Expected a square normalised image but received ${normalised.width}x${normalised.height}`);
    const small = await landmarkModelInput(normalised);
    const n = landmarkInputPx * landmarkInputPx;
    const planes = new Uint8Array(3 * n);
    for (let i = 0; i < n; i++) {
      planes[i] = small.data[i * 3]!;
      planes[n + i] = small.data[i * 3 + 1]!;
      planes[2 * n + i] = small.data[i * 3 + 2]!;
    }
    const { heatmaps, absent } = this.manifest.output;
    const out = await this.#session.run({ [this.manifest.input.name]: new Tensor('uint8', planes, [1, 3, landmarkInputPx, landmarkInputPx]) });
    const maps = out[heatmaps.name]?.data, gone = out[absent.name]?.data;
    const cells = landmarkInputPx / heatmaps.stride;
    if (!(maps instanceof Float32Array) || maps.length !== landmarkNames.length * cells * cells || !(gone instanceof Float32Array) || gone.length !== landmarkNames.length) {
      throw new DrgradeError('MODEL_OUTPUT_MISMATCH', `Expected float32 outputs [1, ${landmarkNames.length}, ${cells}, ${cells}] and [1, ${landmarkNames.length}] from the landmark model`);
    }
    const k = normalised.width / landmarkInputPx;
    const result = {} as Record<LandmarkName, LearnedLandmark>;
    landmarkNames.forEach((name, c) => {
      const peak = decodeHeatmap(maps.subarray(c * cells * cells, (c + 1) * cells * cells), cells, heatmaps.stride);
      result[name] = { x: peak.x * k, y: peak.y * k, mass: peak.mass, absent: gone[c]! };
    });
    return result;
  }

  /** Releases the session. */
  async release(): Promise<void> {
    await this.#session.release();
  }
}

/**
 * The peak of one heatmap (`cells` × `cells`, row-major): the arg-max cell (the first on ties), the
 * probability-weighted centre of the 5 × 5 cells around it, in input pixels (cell j's centre is stride·(j + ½)),
 * and the probability inside those cells. The recipe's `decode` (training/drgrade_train/landmark_model.py) is the same.
 */
export function decodeHeatmap(map: Float32Array, cells: number, stride: number): { x: number; y: number; mass: number } {
  let best = 0;
  for (let i = 1; i < map.length; i++) if (map[i]! > map[best]!) best = i;
  const cy = Math.floor(best / cells), cx = best % cells;
  let mass = 0, sx = 0, sy = 0;
  for (let y = Math.max(0, cy - decodeWindow); y <= Math.min(cells - 1, cy + decodeWindow); y++) {
    for (let x = Math.max(0, cx - decodeWindow); x <= Math.min(cells - 1, cx + decodeWindow); x++) {
      const p = map[y * cells + x]!;
      mass += p; sx += p * x; sy += p * y;
    }
  }
  const mx = mass > 0 ? sx / mass : cx, my = mass > 0 ? sy / mass : cy;
  return { x: (mx + 0.5) * stride, y: (my + 0.5) * stride, mass };
}

/** Absolute path of the shipped landmark model folder, `models/landmarks` at the package root. */
export function defaultLandmarkModelDir(): string {
  return join(packageModelsDir(), 'landmarks');
}

let shared: Promise<LandmarkModel | null> | null = null;

/**
 * The shipped landmark model, loaded once per process. `null` when `models/landmarks` has no `model.json` (the
 * classical detector then works alone); a folder whose model fails its checks throws on every call, loudly.
 */
export function defaultLandmarkModel(): Promise<LandmarkModel | null> {
  if (!shared) {
    const dir = defaultLandmarkModelDir();
    shared = existsSync(join(dir, 'model.json')) ? LandmarkModel.load(dir) : Promise.resolve(null);
    shared.catch(() => { shared = null; });
  }
  return shared;
}
