import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { DrgradeError } from '../errors.js';
import type { RgbImage } from '../image/RgbImage.js';
import { resampleImage } from '../image/resampleImage.js';
import { createOrtSession, type OrtSessionOptions } from '../model/createOrtSession.js';
import { readModelFile, verifySha256 } from '../model/readModelFile.js';
import { validateCandidateRanker, type CandidateRanker } from './CandidateRanker.js';
import type { LesionCode } from './lesionClasses.js';
import { validateLesionManifest, type LesionModelManifest } from './LesionModelManifest.js';
import { unfittedReporting, validateLesionReporting, type LesionReporting } from './LesionReporting.js';

/** Per-class lesion probability maps of one normalised image, at `stride` (map pixel = stride normalised pixels). */
export interface LesionMaps {
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  /** One map per code, row-major, probabilities 0–1. */
  readonly maps: Readonly<Partial<Record<LesionCode, Float32Array>>>;
}

/**
 * A loaded lesion-segmentation model (its manifest checked, its ONNX file's sha256 verified, its session created):
 * `predict` turns the enhanced normalised image into per-class probability maps.
 */
export class LesionModel {
  readonly manifest: LesionModelManifest;
  readonly dir: string;
  /** Reporting thresholds (`reporting.json`; {@link unfittedReporting} when the folder has none). */
  readonly reporting: LesionReporting;
  /** The candidate ranker (`ranker.json`), or null when the folder has none (candidates keep their map scores). */
  readonly ranker: CandidateRanker | null;
  /** sha256 of `ranker.json` (null without one): with the model's sha256, what decides the candidates' scores. */
  readonly rankerSha256: string | null;
  readonly #session: InferenceSession;
  readonly #tilePx: number;
  readonly #tileMarginPx: number;

  private constructor(dir: string, manifest: LesionModelManifest, reporting: LesionReporting, ranker: { ranker: CandidateRanker; sha256: string } | null, session: InferenceSession) {
    this.dir = dir;
    this.manifest = manifest;
    this.reporting = reporting;
    this.ranker = ranker?.ranker ?? null;
    this.rankerSha256 = ranker?.sha256 ?? null;
    this.#session = session;
    // Tiles of at most 768 px, balanced over the image, with 96 px of context: the shipped LesionNet's maps are
    // bit-identical to one whole-image run (test/models/lesionModel.test.ts). On the 1501 px image read at 1.4× that
    // is 2 × 2 tiles of 752 px, computing 1.27× the image's pixels where 384 px tiles computed 1.96×; with the
    // memory pattern off the pipeline's peak stays near that of the small tiles (docs/lesions.md).
    this.#tilePx = 768;
    this.#tileMarginPx = 96;
  }

  /**
   * Loads `model.json` + `model.onnx` from `dir`. Failures: `MODEL_NOT_FOUND`, `MODEL_MANIFEST_INVALID`,
   * `MODEL_CHECKSUM_MISMATCH`, `MODEL_INPUT_MISMATCH`, `MODEL_OUTPUT_MISMATCH`.
   * @param options session options; by default one intra-op thread (the analysis runs one photograph per core),
   *   ONNX Runtime's CPU memory arena and no memory pattern: the model runs on tiles, so the arena holds one
   *   tile's activations and reuses them, where without it every layer's buffers went through malloc and the heap
   *   fragmented (pipeline peak 541–545 MB with the arena against 650–684 MB without, and a faster model), and the
   *   memory pattern would hold all of a tile's layers at once (docs/lesions.md).
   */
  static async load(dir: string, options: OrtSessionOptions = { intraOpNumThreads: 1 }): Promise<LesionModel> {
    const absolute = resolve(dir);
    const parsed = parseJson((await readModelFile(join(absolute, 'model.json'))).toString('utf8'), 'model.json');
    const manifest = validateLesionManifest(parsed);
    const reporting = existsSync(join(absolute, 'reporting.json')) ? validateLesionReporting(parseJson((await readModelFile(join(absolute, 'reporting.json'))).toString('utf8'), 'reporting.json')) : unfittedReporting;
    const rankerBytes = existsSync(join(absolute, 'ranker.json')) ? await readModelFile(join(absolute, 'ranker.json')) : null;
    const ranker = rankerBytes ? { ranker: validateCandidateRanker(parseJson(rankerBytes.toString('utf8'), 'ranker.json')), sha256: createHash('sha256').update(rankerBytes).digest('hex') } : null;
    const bytes = await readModelFile(join(absolute, 'model.onnx'));
    verifySha256(bytes, manifest.sha256, 'model.onnx');
    // On the calling thread unless asked otherwise: the lesion model runs inside the analysis of one photograph,
    // which is CPU-bound on that thread anyway (one photograph per core), so a worker would add a thread and a copy
    // of the input without freeing anything.
    const { session } = await createOrtSession(bytes, { sessionWorkers: 0, memPattern: false, ...options });
    const input = session.inputMetadata.find((m) => m.name === manifest.input.name);
    if (!input || session.inputMetadata.length !== 1 || !input.isTensor || input.type !== 'uint8') {
      await session.release();
      throw new DrgradeError('MODEL_INPUT_MISMATCH', `Expected one uint8 input '${manifest.input.name}' (model.json) for model.onnx but received ${JSON.stringify(session.inputMetadata.map((m) => [m.name, m.isTensor ? m.type : 'non-tensor']))}`);
    }
    const output = session.outputMetadata.find((m) => m.name === manifest.output.name);
    if (!output || !output.isTensor || output.type !== 'float32') {
      await session.release();
      throw new DrgradeError('MODEL_OUTPUT_MISMATCH', `Expected a float32 output '${manifest.output.name}' (model.json) for model.onnx but received ${JSON.stringify(session.outputMetadata.map((m) => m.name))}`);
    }
    return new LesionModel(absolute, manifest, reporting, ranker, session);
  }

  /** What decides the candidates' scores: the model's sha256, and the ranker's when there is one (cache keys). */
  get scoringIdentity(): string {
    return this.rankerSha256 ? `${this.manifest.sha256}+ranker:${this.rankerSha256}` : this.manifest.sha256;
  }

  /**
   * Probability maps of `enhanced` (the analysis core's enhanced normalised image), read at `scale` (default the
   * manifest's `preprocessing.inferenceScale`, else 1: the image is resampled by it first) and padded to the model's
   * multiple; the maps' `stride` is in the pixels of `enhanced`. `tilePx` (the largest tile; 0 = one run on the
   * whole image, content and black alike) and `tileMarginPx` override the tiling (default 768 and 96; see {@link balancedTilePx}).
   */
  async predict(enhanced: RgbImage, options: { scale?: number; tilePx?: number; tileMarginPx?: number } = {}): Promise<LesionMaps> {
    const scale = options.scale ?? this.manifest.preprocessing.inferenceScale ?? 1;
    if (!(scale >= 0.5 && scale <= 3)) throw new DrgradeError('INVALID_ARGUMENT', `Expected a lesion-model scale from 0.5 to 3 but received ${scale}`);
    if (scale === 1) return this.#predictTiled(enhanced, options);
    const read = await resampleImage(enhanced, { size: { width: Math.max(1, Math.round(enhanced.width * scale)), height: Math.max(1, Math.round(enhanced.height * scale)) }, kernel: 'linear' });
    const maps = await this.#predictTiled(read, options);
    return { ...maps, stride: (maps.stride * enhanced.width) / read.width };
  }

  /**
   * Runs the model on tiles of at most `tilePx` ({@link balancedTilePx}) with `tileMarginPx` of context on each side
   * and keeps each tile's centre: with the margin at least the network's reach and tile origins on its 16 px grid,
   * the maps equal one run on the whole image, bit for bit, while each run's activations stay small enough for the
   * allocator to reuse between runs instead of mapping and unmapping tens of megabytes per layer.
   */
  async #predictTiled(image: RgbImage, options: { tilePx?: number; tileMarginPx?: number }): Promise<LesionMaps> {
    const maxTile = options.tilePx ?? this.#tilePx;
    const margin = options.tileMarginPx ?? this.#tileMarginPx;
    if (maxTile <= 0) return this.#predictAtSize(image);
    return this.#predictContent(image, maxTile, margin);
  }

  /**
   * Runs the tiles only over the image's content: the bounding box of the pixels that are not padding-coloured
   * (outside the field of view the enhanced image is black, the model's pad value), grown by `margin` (the network's
   * reach) and with its origin on the network's grid, so that every map value inside the box is the one of a run
   * on the whole image, bit for bit; outside it the maps are 0. IDRiD's photographs are cut at the top and the bottom
   * of the frame: IDRiD_01's retina spans rows 111–963 of 1065, IDRiD_12's 151–917, and the crop took 3–10 % and 17 %
   * off the model's time (docs/lesions.md, "Speed and memory").
   */
  async #predictContent(image: RgbImage, maxTile: number, margin: number): Promise<LesionMaps> {
    const { width: w, height: h, data } = image;
    const pad = this.manifest.preprocessing.padValue;
    const stride = this.manifest.output.stride;
    let x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (let y = 0; y < h; y++) {
      const row = y * w * 3;
      let first = -1, last = -1;
      for (let x = 0; x < w; x++) {
        const i = row + x * 3;
        if (data[i] !== pad || data[i + 1] !== pad || data[i + 2] !== pad) { if (first < 0) first = x; last = x; }
      }
      if (first < 0) continue;
      if (y < y0) y0 = y;
      y1 = y;
      if (first < x0) x0 = first;
      if (last > x1) x1 = last;
    }
    const cw = Math.ceil(w / stride), ch = Math.ceil(h / stride);
    if (x1 < 0) {
      // Nothing but padding: no lesion anywhere (the model is not run).
      return { width: cw, height: ch, stride, maps: Object.fromEntries(this.manifest.labels.map((code) => [code, new Float32Array(cw * ch)])) };
    }
    const grid = this.manifest.input.multipleOf;
    const cx0 = Math.max(0, Math.floor((x0 - margin) / grid) * grid), cy0 = Math.max(0, Math.floor((y0 - margin) / grid) * grid);
    const cx1 = Math.min(w, x1 + 1 + margin), cy1 = Math.min(h, y1 + 1 + margin);
    if (cx0 === 0 && cy0 === 0 && cx1 === w && cy1 === h) return this.#predictGrid(image, maxTile, margin);
    const part = await this.#predictGrid(cropRgb(image, cx0, cy0, cx1, cy1), maxTile, margin);
    const ox = cx0 / stride, oy = cy0 / stride;
    const keepW = Math.min(part.width, cw - ox), keepH = Math.min(part.height, ch - oy);
    const maps: Partial<Record<LesionCode, Float32Array>> = {};
    for (const code of this.manifest.labels) {
      const src = part.maps[code]!, dst = new Float32Array(cw * ch);
      for (let y = 0; y < keepH; y++) dst.set(src.subarray(y * part.width, y * part.width + keepW), (oy + y) * cw + ox);
      maps[code] = dst;
    }
    return { width: cw, height: ch, stride, maps };
  }

  async #predictGrid(image: RgbImage, maxTile: number, margin: number): Promise<LesionMaps> {
    const { width: w, height: h } = image;
    if (w <= maxTile + margin && h <= maxTile + margin) return this.#predictAtSize(image);
    const tile = balancedTilePx(Math.max(w, h), maxTile, this.manifest.input.multipleOf);
    const stride = this.manifest.output.stride;
    const cw = Math.ceil(w / stride), ch = Math.ceil(h / stride);
    const out: Partial<Record<LesionCode, Float32Array>> = {};
    for (const code of this.manifest.labels) out[code] = new Float32Array(cw * ch);
    for (let y0 = 0; y0 < h; y0 += tile) {
      for (let x0 = 0; x0 < w; x0 += tile) {
        const ix0 = Math.max(0, x0 - margin), iy0 = Math.max(0, y0 - margin);
        const ix1 = Math.min(w, x0 + tile + margin), iy1 = Math.min(h, y0 + tile + margin);
        const part = await this.#predictAtSize(cropRgb(image, ix0, iy0, ix1, iy1));
        const mx0 = x0 / stride, my0 = y0 / stride;
        const mx1 = Math.min(cw, (x0 + tile) / stride), my1 = Math.min(ch, (y0 + tile) / stride);
        const ox = (x0 - ix0) / stride, oy = (y0 - iy0) / stride;
        for (const code of this.manifest.labels) {
          const src = part.maps[code]!, dst = out[code]!;
          for (let my = my0; my < my1; my++) dst.set(src.subarray((my - my0 + oy) * part.width + ox, (my - my0 + oy) * part.width + ox + (mx1 - mx0)), my * cw + mx0);
        }
      }
    }
    return { width: cw, height: ch, stride, maps: out };
  }

  async #predictAtSize(enhanced: RgbImage): Promise<LesionMaps> {
    const { multipleOf } = this.manifest.input;
    const { width: w, height: h, data } = enhanced;
    const pw = Math.ceil(w / multipleOf) * multipleOf, ph = Math.ceil(h / multipleOf) * multipleOf;
    const planes = new Uint8Array(3 * pw * ph).fill(this.manifest.preprocessing.padValue);
    const plane = pw * ph;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const s = (y * w + x) * 3, d = y * pw + x;
        planes[d] = data[s]!;
        planes[plane + d] = data[s + 1]!;
        planes[2 * plane + d] = data[s + 2]!;
      }
    }
    const out = await this.#session.run({ [this.manifest.input.name]: new Tensor('uint8', planes, [1, 3, ph, pw]) });
    const tensor = out[this.manifest.output.name];
    const labels = this.manifest.labels;
    const stride = this.manifest.output.stride;
    const values = tensor?.data;
    if (!tensor || tensor.dims.length !== 4 || tensor.dims[1] !== labels.length || !(values instanceof Float32Array)) {
      throw new DrgradeError('MODEL_OUTPUT_MISMATCH', `Expected a float32 [1, ${labels.length}, h, w] output '${this.manifest.output.name}' but received ${tensor ? JSON.stringify(tensor.dims) : 'none'}`);
    }
    const mw = Number(tensor.dims[3]), mh = Number(tensor.dims[2]);
    // Crop the padding away: the maps cover exactly the image (rounded up to the stride).
    const cw = Math.ceil(w / stride), ch = Math.ceil(h / stride);
    const maps: Partial<Record<LesionCode, Float32Array>> = {};
    labels.forEach((code, c) => {
      const m = new Float32Array(cw * ch);
      for (let y = 0; y < ch; y++) m.set(values.subarray(c * mw * mh + y * mw, c * mw * mh + y * mw + cw), y * cw);
      maps[code] = m;
    });
    return { width: cw, height: ch, stride, maps };
  }

  /** Releases the session. */
  async release(): Promise<void> {
    await this.#session.release();
  }
}

/** The pixels of `image` in columns `x0`..`x1` − 1 and rows `y0`..`y1` − 1, as a new interleaved RGB image. */
function cropRgb(image: RgbImage, x0: number, y0: number, x1: number, y1: number): RgbImage {
  const { width: w, data } = image;
  const sw = x1 - x0, sh = y1 - y0;
  const sub = new Uint8Array(sw * sh * 3);
  for (let y = 0; y < sh; y++) sub.set(data.subarray(((y0 + y) * w + x0) * 3, ((y0 + y) * w + x1) * 3), y * sw * 3);
  return { width: sw, height: sh, data: sub };
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected JSON for ${file} but received text that does not parse (${(error as Error).message})`, { cause: error });
  }
}

/**
 * The tile side for an image side of `size`: as few tiles as `maxTile` allows, all about the same size, rounded up
 * to `multipleOf` (tile origins stay on the network's grid, which keeps tiled maps equal to a whole-image run).
 * Without balancing, 768 px tiles on a 1501 px side would leave a 733 + 768 split that is fine, but on 1600 px a
 * 64 px sliver tile whose 96 px margins cost more than its pixels.
 */
export function balancedTilePx(size: number, maxTile: number, multipleOf: number): number {
  if (!(Number.isInteger(size) && size > 0 && Number.isInteger(maxTile) && maxTile >= multipleOf && Number.isInteger(multipleOf) && multipleOf > 0)) {
    throw new DrgradeError('INVALID_ARGUMENT', `Expected positive integer sizes with maxTile >= multipleOf but received size ${size}, maxTile ${maxTile}, multipleOf ${multipleOf}`);
  }
  const cap = Math.floor(maxTile / multipleOf) * multipleOf;
  const tiles = Math.ceil(size / cap);
  return Math.min(cap, Math.ceil(size / tiles / multipleOf) * multipleOf);
}
