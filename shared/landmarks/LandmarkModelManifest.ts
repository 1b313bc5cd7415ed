import { DrgradeError } from '../errors.js';
import { landmarkInputPx } from './landmarkModelInput.js';

/** The landmarks a landmark model locates, in its output order. */
export const landmarkNames = ['disc', 'fovea'] as const;
export type LandmarkName = (typeof landmarkNames)[number];

/**
 * Manifest (`model.json`) of a landmark model (checked by {@link validateLandmarkManifest}): model contract v2, a
 * UINT8 NCHW image of {@link landmarkInputPx} square (the normalised image, `landmarkModelInput`) with the
 * normalisation inside the graph; per landmark one softmax over the heatmap's cells plus an "absent" cell.
 */
export interface LandmarkModelManifest {
  readonly schemaVersion: 2;
  readonly kind: 'landmark-heatmap';
  readonly name: string;
  readonly version: string;
  /** Hex sha256 of `model.onnx`. */
  readonly sha256: string;
  readonly description: string;
  readonly input: { readonly name: string; readonly datatype: 'UINT8'; readonly layout: 'NCHW'; readonly shape: readonly [1, 3, number, number] };
  readonly preprocessing: { readonly imageKind: 'normalised'; readonly retinaDiameterPx: number; readonly resample: 'linear'; readonly normalisation: string };
  readonly output: {
    /** [1, landmarks, cells, cells]; cell (i, j) covers input pixels stride·j … stride·j + stride − 1. */
    readonly heatmaps: { readonly name: string; readonly shape: readonly [1, number, number, number]; readonly stride: number };
    /** [1, landmarks]: the probability that the landmark is not in the photographed field. */
    readonly absent: { readonly name: string; readonly shape: readonly [1, number] };
  };
  readonly labels: readonly LandmarkName[];
  readonly training: { readonly data: string; readonly license: string; readonly attribution: string; readonly [key: string]: unknown };
}

/** Checks a parsed `model.json` of a landmark model; every problem is `MODEL_MANIFEST_INVALID` naming the field. */
export function validateLandmarkManifest(value: unknown): LandmarkModelManifest {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected ${expected} for ${field} but received ${JSON.stringify(got)?.slice(0, 80) ?? String(got)}`, { details: { field } });
  };
  const obj = (v: unknown, field: string): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(field, 'an object', v));
  const str = (v: unknown, field: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(field, 'a non-empty string', v));
  const m = obj(value, 'model.json');
  if (m.schemaVersion !== 2) fail('schemaVersion', '2', m.schemaVersion);
  if (m.kind !== 'landmark-heatmap') fail('kind', "'landmark-heatmap'", m.kind);
  str(m.name, 'name');
  str(m.version, 'version');
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) fail('sha256', '64 lowercase hex digits', m.sha256);
  str(m.description, 'description');
  const input = obj(m.input, 'input');
  str(input.name, 'input.name');
  if (input.datatype !== 'UINT8') fail('input.datatype', "'UINT8'", input.datatype);
  if (input.layout !== 'NCHW') fail('input.layout', "'NCHW'", input.layout);
  const shape = input.shape;
  if (!Array.isArray(shape) || shape.length !== 4 || shape[0] !== 1 || shape[1] !== 3 || shape[2] !== landmarkInputPx || shape[3] !== landmarkInputPx) {
    fail('input.shape', `[1, 3, ${landmarkInputPx}, ${landmarkInputPx}]`, shape);
  }
  const pre = obj(m.preprocessing, 'preprocessing');
  if (pre.imageKind !== 'normalised') fail('preprocessing.imageKind', "'normalised'", pre.imageKind);
  if (pre.retinaDiameterPx !== 1024) fail('preprocessing.retinaDiameterPx', '1024 (the analysis core\'s normalised retina)', pre.retinaDiameterPx);
  if (pre.resample !== 'linear') fail('preprocessing.resample', "'linear'", pre.resample);
  str(pre.normalisation, 'preprocessing.normalisation');
  if (!Array.isArray(m.labels) || m.labels.length !== landmarkNames.length || m.labels.some((l, i) => l !== landmarkNames[i])) {
    fail('labels', JSON.stringify(landmarkNames), m.labels);
  }
  const output = obj(m.output, 'output');
  const heatmaps = obj(output.heatmaps, 'output.heatmaps');
  str(heatmaps.name, 'output.heatmaps.name');
  const stride = heatmaps.stride;
  if (!Number.isInteger(stride) || (stride as number) < 1 || landmarkInputPx % (stride as number) !== 0) fail('output.heatmaps.stride', `a divisor of ${landmarkInputPx}`, stride);
  const cells = landmarkInputPx / (stride as number);
  const hs = heatmaps.shape;
  if (!Array.isArray(hs) || hs.length !== 4 || hs[0] !== 1 || hs[1] !== landmarkNames.length || hs[2] !== cells || hs[3] !== cells) {
    fail('output.heatmaps.shape', `[1, ${landmarkNames.length}, ${cells}, ${cells}]`, hs);
  }
  const absent = obj(output.absent, 'output.absent');
  str(absent.name, 'output.absent.name');
  if (!Array.isArray(absent.shape) || absent.shape.length !== 2 || absent.shape[0] !== 1 || absent.shape[1] !== landmarkNames.length) {
    fail('output.absent.shape', `[1, ${landmarkNames.length}]`, absent.shape);
  }
  const training = obj(m.training, 'training');
  for (const k of ['data', 'license', 'attribution']) str(training[k], `training.${k}`);
  return m as unknown as LandmarkModelManifest;
}
