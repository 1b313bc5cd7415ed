/* eslint-disable @typescript-eslint/no-explicit-any -- the tests edit manifests and typed arrays as untyped JSON */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { gradeLabels } from '../../../shared/grading/gradeTable.js';
import { validateManifest } from '../../../shared/grading/validateManifest.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

const fixture = JSON.parse(readFileSync(join(tinyModelDir, 'model.json'), 'utf8')) as Record<string, unknown>;

function variant(change: (m: Record<string, any>) => void): Record<string, unknown> {
  const copy = structuredClone(fixture) as Record<string, any>;
  change(copy);
  return copy;
}

function invalidField(value: unknown): string {
  try {
    validateManifest(value);
  } catch (error) {
    if (isDrgradeError(error, 'MODEL_MANIFEST_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected MODEL_MANIFEST_INVALID');
}

describe('validateManifest', () => {
  it('accepts the fixture manifest and returns a frozen copy', () => {
    const manifest = validateManifest(fixture);
    expect(manifest.name).toBe('drgrade-tiny');
    expect(manifest.input).toEqual({ name: 'input', shape: [-1, 3, 32, 32], layout: 'NCHW', datatype: 'FP32' });
    expect(manifest.labels).toEqual(gradeLabels);
    expect(manifest.operatingPoints.default).toBe('high-sensitivity');
    expect(Object.isFrozen(manifest)).toBe(true);
    expect(Object.isFrozen(manifest.preprocessing.mean)).toBe(true);
  });

  it('names missing labels', () => {
    const message = invalidField(variant((m) => delete m.labels));
    expect(message).toMatch(/^Expected the five ICDR labels .* for labels but received nothing/);
  });

  it('rejects labels in another order', () => {
    expect(invalidField(variant((m) => m.labels.reverse()))).toMatch(/for labels but received/);
  });

  it('rejects a malformed sha256', () => {
    expect(invalidField(variant((m) => (m.sha256 = 'ABC')))).toBe('Expected 64 lowercase hex digits for sha256 but received ABC');
  });

  it('requires the input shape to follow preprocessing.size', () => {
    expect(invalidField(variant((m) => (m.input.shape = [-1, 3, 64, 64])))).toMatch(/for input\.shape but received \[-1,3,64,64\]/);
  });

  it('rejects a zero batch dimension', () => {
    expect(invalidField(variant((m) => (m.input.shape = [0, 3, 32, 32])))).toMatch(/for input\.shape\[0\]/);
  });

  it('requires five outputs', () => {
    expect(invalidField(variant((m) => (m.output.shape = [-1, 4])))).toMatch(/for output\.shape/);
  });

  it('requires the default operating point to exist', () => {
    expect(invalidField(variant((m) => (m.operatingPoints.default = 'nope')))).toMatch(/for operatingPoints\.default but received nope/);
  });

  it('rejects a threshold outside [0, 1]', () => {
    expect(invalidField(variant((m) => (m.operatingPoints.referable[1].threshold = 1.5)))).toMatch(/operatingPoints\.referable\[1\]\.threshold/);
  });

  it('rejects a non-positive temperature', () => {
    expect(invalidField(variant((m) => (m.calibration.temperature = 0)))).toMatch(/for calibration\.temperature/);
  });

  it('rejects a name that is not path-safe', () => {
    expect(invalidField(variant((m) => (m.name = 'a/b')))).toMatch(/for name but received a\/b/);
  });

  it('requires training attribution', () => {
    expect(invalidField(variant((m) => delete m.training.attribution))).toMatch(/for training\.attribution/);
  });

  it('reads a version-1 manifest as FP32 NCHW with host normalisation', () => {
    expect(validateManifest(fixture).preprocessing.normalisation).toBe('host');
    expect(validateManifest(variant((m) => (m.preprocessing.normalisation = 'host'))).schemaVersion).toBe(1);
  });

  it('keeps version 1 to FP32 NCHW with host normalisation', () => {
    expect(invalidField(variant((m) => (m.input.datatype = 'UINT8')))).toBe("Expected one of 'FP32' for input.datatype but received UINT8");
    expect(invalidField(variant((m) => (m.input.layout = 'NHWC')))).toBe("Expected one of 'NCHW' for input.layout but received NHWC");
    expect(invalidField(variant((m) => (m.preprocessing.normalisation = 'in-graph')))).toBe(
      "Expected 'host' (input.datatype is FP32, or nothing in schemaVersion 1) for preprocessing.normalisation but received in-graph",
    );
  });

  const v2 = (change: (m: Record<string, any>) => void = () => undefined): Record<string, unknown> =>
    variant((m) => {
      m.schemaVersion = 2;
      m.input.datatype = 'UINT8';
      m.preprocessing.normalisation = 'in-graph';
      change(m);
    });

  it('accepts version 2: UINT8 normalised in the graph, NCHW or NHWC, and FP32 normalised on the host', () => {
    expect(validateManifest(v2()).input).toEqual({ name: 'input', shape: [-1, 3, 32, 32], layout: 'NCHW', datatype: 'UINT8' });
    const nhwc = validateManifest(v2((m) => ((m.input.layout = 'NHWC'), (m.input.shape = [-1, 32, 32, 3]))));
    expect([nhwc.schemaVersion, nhwc.input.layout, nhwc.preprocessing.normalisation]).toEqual([2, 'NHWC', 'in-graph']);
    expect(validateManifest(v2((m) => ((m.input.datatype = 'FP32'), (m.preprocessing.normalisation = 'host')))).input.datatype).toBe('FP32');
  });

  it('ties the normalisation to the datatype and the shape to the layout in version 2', () => {
    expect(invalidField(v2((m) => delete m.preprocessing.normalisation))).toBe(
      "Expected 'in-graph' (input.datatype is UINT8) for preprocessing.normalisation but received nothing (the field is missing)",
    );
    expect(invalidField(v2((m) => (m.input.datatype = 'FP32')))).toBe("Expected 'host' (input.datatype is FP32) for preprocessing.normalisation but received in-graph");
    expect(invalidField(v2((m) => (m.input.layout = 'NHWC')))).toBe('Expected [batch, 32, 32, 3] (NHWC, preprocessing.size is 32) for input.shape but received [-1,3,32,32]');
    expect(invalidField(v2((m) => (m.input.datatype = 'INT8')))).toBe("Expected one of 'FP32', 'UINT8' for input.datatype but received INT8");
    expect(invalidField(variant((m) => (m.schemaVersion = 3)))).toBe('Expected the number 1 or 2 for schemaVersion but received 3');
  });

  it('rejects something that is not an object', () => {
    expect(invalidField([])).toBe('Expected an object for model.json but received an array of length 0');
  });
});

describe('models/model.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(tinyModelDir, '..', '..', '..', 'models', 'model.schema.json'), 'utf8')) as {
    required: string[];
    properties: Record<string, { required?: string[]; const?: unknown }>;
  };

  it('requires what validateManifest requires, at the top level and in each section', () => {
    for (const key of schema.required) expect(() => validateManifest(variant((m) => delete m[key]))).toThrow(new RegExp(`for ${key}`));
    for (const section of ['input', 'preprocessing', 'output', 'calibration', 'operatingPoints', 'training']) {
      for (const key of schema.properties[section]!.required!) {
        expect(() => validateManifest(variant((m) => delete m[section][key]))).toThrow(new RegExp(`for ${section}\\.${key}`));
      }
    }
    expect(() => validateManifest(variant((m) => delete m.description))).not.toThrow();
  });

  it('lists the grade table labels', () => {
    expect(schema.properties.labels!.const).toEqual(gradeLabels);
  });
});
