import { DrgradeError } from '../errors.js';
import { gradeLabels } from './gradeTable.js';
import type { ModelManifest, OperatingPoint } from './ModelManifest.js';

/**
 * Checks that `value` (a parsed `model.json`) follows the model contract and returns it as a frozen
 * {@link ModelManifest}. The rules mirror `models/model.schema.json`; the first broken rule throws
 * `MODEL_MANIFEST_INVALID` naming the field, what was expected and what was received.
 */
export function validateManifest(value: unknown): ModelManifest {
  const root = objectAt(value, 'model.json');
  const schemaVersion = root.schemaVersion;
  if (schemaVersion !== 1 && schemaVersion !== 2) fail('schemaVersion', 'the number 1 or 2', schemaVersion);
  const name = identifierAt(root.name, 'name');
  const version = identifierAt(root.version, 'version');
  const sha256 = root.sha256;
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) fail('sha256', '64 lowercase hex digits', sha256);
  if (root.description !== undefined && typeof root.description !== 'string') fail('description', 'a string', root.description);

  const preprocessingIn = objectAt(root.preprocessing, 'preprocessing');
  const imageKind = oneOf(preprocessingIn.imageKind, 'preprocessing.imageKind', ['original', 'enhanced', 'annotated'] as const);
  const size = preprocessingIn.size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 8 || size > 4096) {
    fail('preprocessing.size', 'an integer from 8 to 4096', size);
  }
  const resizeKernel = oneOf(preprocessingIn.resizeKernel, 'preprocessing.resizeKernel', ['nearest', 'linear', 'cubic', 'mitchell', 'lanczos2', 'lanczos3'] as const);
  const channelOrder = oneOf(preprocessingIn.channelOrder, 'preprocessing.channelOrder', ['RGB'] as const);
  const mean = triple(preprocessingIn.mean, 'preprocessing.mean', false);
  const std = triple(preprocessingIn.std, 'preprocessing.std', true);

  const inputIn = objectAt(root.input, 'input');
  const inputName = nonEmptyString(inputIn.name, 'input.name');
  // Version 1 is the FP32 NCHW contract with host normalisation; version 2 adds UINT8 and NHWC.
  const layout = oneOf(inputIn.layout, 'input.layout', schemaVersion === 1 ? (['NCHW'] as const) : (['NCHW', 'NHWC'] as const));
  const datatype = oneOf(inputIn.datatype, 'input.datatype', schemaVersion === 1 ? (['FP32'] as const) : (['FP32', 'UINT8'] as const));
  const inputShape = shapeAt(inputIn.shape, 'input.shape', 4);
  const wantedTail = layout === 'NCHW' ? [3, size, size] : [size, size, 3];
  if (inputShape.slice(1).some((d, i) => d !== wantedTail[i])) {
    fail('input.shape', `[batch, ${wantedTail.join(', ')}] (${layout}, preprocessing.size is ${size})`, JSON.stringify(inputShape));
  }
  const wantedNormalisation = datatype === 'UINT8' ? 'in-graph' : 'host';
  const normalisationIn = preprocessingIn.normalisation;
  if (schemaVersion === 1 ? normalisationIn !== undefined && normalisationIn !== 'host' : normalisationIn !== wantedNormalisation) {
    fail('preprocessing.normalisation', `'${wantedNormalisation}' (input.datatype is ${datatype}${schemaVersion === 1 ? ', or nothing in schemaVersion 1' : ''})`, normalisationIn);
  }
  const normalisation = wantedNormalisation;

  const outputIn = objectAt(root.output, 'output');
  const outputName = nonEmptyString(outputIn.name, 'output.name');
  const kind = oneOf(outputIn.kind, 'output.kind', ['logits', 'probabilities'] as const);
  const outputShape = shapeAt(outputIn.shape, 'output.shape', 2);
  if (outputShape[1] !== gradeLabels.length) fail('output.shape', `[batch, ${gradeLabels.length}]`, JSON.stringify(outputShape));
  if (outputShape[0] !== inputShape[0]) fail('output.shape', `the same batch dimension as input.shape (${inputShape[0]})`, outputShape[0]);

  const labels = root.labels;
  if (
    !Array.isArray(labels) ||
    labels.length !== gradeLabels.length ||
    labels.some((label, i) => label !== gradeLabels[i])
  ) {
    fail('labels', `the five ICDR labels in grade order ${JSON.stringify(gradeLabels)}`, Array.isArray(labels) ? JSON.stringify(labels) : labels);
  }

  const calibrationIn = objectAt(root.calibration, 'calibration');
  const method = oneOf(calibrationIn.method, 'calibration.method', ['temperature', 'none'] as const);
  const temperature = calibrationIn.temperature;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature <= 0) {
    fail('calibration.temperature', 'a positive number', temperature);
  }
  if (method === 'none' && temperature !== 1) fail('calibration.temperature', "1 when calibration.method is 'none'", temperature);

  const operatingPointsIn = objectAt(root.operatingPoints, 'operatingPoints');
  const referableIn = operatingPointsIn.referable;
  if (!Array.isArray(referableIn) || referableIn.length === 0) {
    fail('operatingPoints.referable', 'a non-empty array of operating points', referableIn);
  }
  const referable = referableIn.map((point, i) => operatingPointAt(point, `operatingPoints.referable[${i}]`));
  const names = referable.map((p) => p.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) fail('operatingPoints.referable', 'unique operating point names', duplicate);
  const defaultPoint = operatingPointsIn.default;
  if (typeof defaultPoint !== 'string' || !names.includes(defaultPoint)) {
    fail('operatingPoints.default', `one of ${JSON.stringify(names)}`, defaultPoint);
  }

  const training = objectAt(root.training, 'training');
  for (const key of ['data', 'license', 'attribution'] as const) nonEmptyString(training[key], `training.${key}`);
  const validation = objectAt(root.validation, 'validation');
  const intendedUse = nonEmptyString(root.intendedUse, 'intendedUse');

  const manifest: ModelManifest = {
    schemaVersion,
    name,
    version,
    sha256,
    ...(typeof root.description === 'string' ? { description: root.description } : {}),
    input: { name: inputName, shape: inputShape, layout, datatype },
    preprocessing: { imageKind, size, resizeKernel, channelOrder, normalisation, mean, std },
    output: { name: outputName, kind, shape: outputShape },
    labels: [...gradeLabels],
    calibration: { method, temperature },
    operatingPoints: { default: defaultPoint, referable },
    training: structuredClone(training) as ModelManifest['training'],
    validation: structuredClone(validation),
    intendedUse,
  };
  return deepFreeze(manifest);
}

function fail(field: string, expected: string, received: unknown): never {
  throw new DrgradeError('MODEL_MANIFEST_INVALID', `Expected ${expected} for ${field} but received ${describe(received)}`, {
    details: { field },
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 77)}...` : value;
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? `an array of length ${value.length}` : 'an object';
}

function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'an object', value);
  return value as Record<string, unknown>;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'a non-empty string', value);
  return value;
}

// Names and versions appear in Open Inference Protocol URL paths, so they must be path-safe.
function identifierAt(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value)) {
    fail(field, 'letters, digits, ".", "_" or "-" (1 to 128, starting with a letter or digit)', value);
  }
  return value;
}

function oneOf<const T extends readonly string[]>(value: unknown, field: string, allowed: T): T[number] {
  if (typeof value !== 'string' || !allowed.includes(value)) fail(field, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  return value as T[number];
}

function triple(value: unknown, field: string, positive: boolean): [number, number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    value.some((v) => typeof v !== 'number' || !Number.isFinite(v) || (positive && v <= 0))
  ) {
    fail(field, positive ? 'three positive numbers' : 'three finite numbers', Array.isArray(value) ? JSON.stringify(value) : value);
  }
  return [value[0], value[1], value[2]];
}

function shapeAt(value: unknown, field: string, rank: number): number[] {
  if (!Array.isArray(value) || value.length !== rank) fail(field, `an array of ${rank} dimensions`, value);
  value.forEach((dim, i) => {
    const dynamicBatch = i === 0 && dim === -1;
    if (!dynamicBatch && (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1)) {
      fail(`${field}[${i}]`, i === 0 ? 'a positive integer or -1 (dynamic batch)' : 'a positive integer', dim);
    }
  });
  return [...(value as number[])];
}

function operatingPointAt(value: unknown, field: string): OperatingPoint {
  const point = objectAt(value, field);
  const name = nonEmptyString(point.name, `${field}.name`);
  const probability = (v: unknown, f: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) fail(f, 'a number from 0 to 1', v);
    return v;
  };
  const threshold = probability(point.threshold, `${field}.threshold`);
  return {
    name,
    threshold,
    ...(point.sensitivity === undefined ? {} : { sensitivity: probability(point.sensitivity, `${field}.sensitivity`) }),
    ...(point.specificity === undefined ? {} : { specificity: probability(point.specificity, `${field}.specificity`) }),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
