import { describe, expect, it } from 'vitest';
import { validateLandmarkManifest } from '../../../shared/landmarks/LandmarkModelManifest.js';

const valid = {
  schemaVersion: 2, kind: 'landmark-heatmap', name: 'drgrade-landmarks-idrid', version: '0.1.0', sha256: 'a'.repeat(64),
  description: 'Optic disc and fovea heatmaps. Research use only.',
  input: { name: 'image', datatype: 'UINT8', layout: 'NCHW', shape: [1, 3, 256, 256] },
  preprocessing: { imageKind: 'normalised', retinaDiameterPx: 1024, resample: 'linear', normalisation: 'in-graph' },
  output: { heatmaps: { name: 'heatmaps', shape: [1, 2, 64, 64], stride: 4 }, absent: { name: 'absent', shape: [1, 2] } },
  labels: ['disc', 'fovea'],
  training: { data: 'IDRiD', license: 'CC BY 4.0', attribution: 'Porwal et al.' },
};

const withField = (path: string, value: unknown): unknown => {
  const copy = structuredClone(valid) as Record<string, unknown>;
  const keys = path.split('.');
  let at = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  return copy;
};

describe('validateLandmarkManifest', () => {
  it('accepts the recipe\'s manifest', () => {
    expect(validateLandmarkManifest(valid)).toEqual(valid);
  });

  it.each([
    ['kind', 'lesion-segmentation'],
    ['sha256', 'ABC'],
    ['input.datatype', 'FLOAT'],
    ['input.shape', [1, 3, 512, 512]],
    ['preprocessing.imageKind', 'enhanced'],
    ['preprocessing.retinaDiameterPx', 512],
    ['labels', ['fovea', 'disc']],
    ['output.heatmaps.stride', 3],
    ['output.heatmaps.shape', [1, 2, 32, 32]],
    ['output.absent.shape', [1, 3]],
    ['training.license', ''],
  ])('names the field when %s is wrong', (field, value) => {
    expect(() => validateLandmarkManifest(withField(field, value))).toThrow(expect.objectContaining({ code: 'MODEL_MANIFEST_INVALID', details: { field } }));
  });
});
