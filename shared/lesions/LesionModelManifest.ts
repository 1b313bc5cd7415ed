import { DrgradeError } from '../errors.js';
import { lesionClasses, type LesionCode } from './lesionClasses.js';

/**
 * Manifest (`model.json`) of a lesion-segmentation model (checked by {@link validateLesionManifest}): model contract v2, a UINT8
 * NCHW image with the normalisation inside the graph, per-class sigmoid probability maps at `output.stride`.
 */
export interface LesionModelManifest {
  readonly schemaVersion: 2;
  readonly kind: 'lesion-segmentation';
  readonly name: string;
  readonly version: string;
  /** Hex sha256 of `model.onnx`. */
  readonly sha256: string;
  readonly description: string;
  readonly input: {
    readonly name: string;
    readonly datatype: 'UINT8';
    readonly layout: 'NCHW';
    readonly shape: readonly number[];
    /** Height and width must be multiples of this; the runtime pads with `preprocessing.padValue`. */
    readonly multipleOf: number;
  };
  readonly preprocessing: {
    /** The image the model reads: the enhanced normalised image of the analysis core. */
    readonly imageKind: 'enhanced';
    /** Retina diameter of that image in pixels. */
    readonly retinaDiameterPx: number;
    /**
     * The enhanced image is resampled by this factor before the model reads it (its maps then come at
     * `output.stride / inferenceScale` normalised pixels). The recipe trains with scale jitter 0.75–1.4; read at
     * 1.4, the model finds small microaneurysms and exudate specks it misses at 1 (docs/lesions.md, the sweep).
     * @default 1
     */
    readonly inferenceScale?: number;
    readonly normalisation: 'in-graph';
    readonly padValue: number;
  };
  readonly output: { readonly name: string; readonly kind: 'sigmoid'; readonly shape: readonly number[]; readonly stride: number };
  /** Output channels, each a code of the lesion-class table. */
  readonly labels: readonly LesionCode[];
  readonly training: { readonly data: string; readonly license: string; readonly attribution: string; readonly [key: string]: unknown };
}

/** Checks a parsed `model.json` of a lesion model; every problem is `MODEL_MANIFEST_INVALID` naming the field. */
export function validateLesionManifest(value: unknown): LesionModelManifest {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected ${expected} for ${field} but received ${JSON.stringify(got)?.slice(0, 80) ?? String(got)}`, { details: { field } });
  };
  const obj = (v: unknown, field: string): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(field, 'an object', v));
  const str = (v: unknown, field: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(field, 'a non-empty string', v));
  const int = (v: unknown, field: string, min: number): number => (Number.isInteger(v) && (v as number) >= min ? (v as number) : fail(field, `an integer ≥ ${min}`, v));
  const m = obj(value, 'model.json');
  if (m.schemaVersion !== 2) fail('schemaVersion', '2', m.schemaVersion);
  if (m.kind !== 'lesion-segmentation') fail('kind', "'lesion-segmentation'", m.kind);
  str(m.name, 'name');
  str(m.version, 'version');
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) fail('sha256', '64 lowercase hex digits', m.sha256);
  str(m.description, 'description');
  const input = obj(m.input, 'input');
  str(input.name, 'input.name');
  if (input.datatype !== 'UINT8') fail('input.datatype', "'UINT8'", input.datatype);
  if (input.layout !== 'NCHW') fail('input.layout', "'NCHW'", input.layout);
  if (!Array.isArray(input.shape) || input.shape.length !== 4 || input.shape[1] !== 3) fail('input.shape', '[batch, 3, height, width]', input.shape);
  int(input.multipleOf, 'input.multipleOf', 1);
  const pre = obj(m.preprocessing, 'preprocessing');
  if (pre.imageKind !== 'enhanced') fail('preprocessing.imageKind', "'enhanced'", pre.imageKind);
  int(pre.retinaDiameterPx, 'preprocessing.retinaDiameterPx', 64);
  if (pre.inferenceScale !== undefined && !(typeof pre.inferenceScale === 'number' && pre.inferenceScale >= 0.5 && pre.inferenceScale <= 3)) fail('preprocessing.inferenceScale', 'a number from 0.5 to 3', pre.inferenceScale);
  if (pre.normalisation !== 'in-graph') fail('preprocessing.normalisation', "'in-graph'", pre.normalisation);
  int(pre.padValue, 'preprocessing.padValue', 0);
  const output = obj(m.output, 'output');
  str(output.name, 'output.name');
  if (output.kind !== 'sigmoid') fail('output.kind', "'sigmoid'", output.kind);
  int(output.stride, 'output.stride', 1);
  const codes = lesionClasses.map((c) => c.code as string);
  if (!Array.isArray(m.labels) || m.labels.length === 0 || !m.labels.every((l) => codes.includes(l as string)) || new Set(m.labels).size !== m.labels.length) {
    fail('labels', `distinct codes of ${codes.join(', ')}`, m.labels);
  }
  if (!Array.isArray(output.shape) || output.shape.length !== 4 || output.shape[1] !== (m.labels as unknown[]).length) fail('output.shape', `[batch, ${(m.labels as unknown[]).length}, height, width]`, output.shape);
  const training = obj(m.training, 'training');
  for (const k of ['data', 'license', 'attribution']) str(training[k], `training.${k}`);
  return m as unknown as LesionModelManifest;
}
