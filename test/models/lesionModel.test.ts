import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir } from '../../shared/grading/defaultModelDir.js';
import { readLesionGrading } from '../../shared/grading/LesionGrading.js';
import { readModelManifest } from '../../shared/grading/loadModel.js';
import { defaultLesionModelDir } from '../../shared/lesions/defaultLesionModel.js';
import { lesionClasses } from '../../shared/lesions/lesionClasses.js';
import { LesionModel } from '../../shared/lesions/LesionModel.js';

describe('the shipped lesion model (models/lesions) and lesion-based grade (models/default/lesion-grading.json)', () => {
  let model: LesionModel;
  beforeAll(async () => { model = await LesionModel.load(defaultLesionModelDir()); });
  afterAll(async () => { await model.release(); });

  it('passes the lesion-model contract: checksum, UINT8 input, one output channel per class of the table, attribution', () => {
    const m = model.manifest;
    expect(m.labels).toEqual(lesionClasses.map((c) => c.code));
    expect(m.input.datatype).toBe('UINT8');
    expect(m.training.license).toMatch(/CC BY 4\.0/);
    expect(m.training.attribution).toMatch(/Porwal/);
    expect(m.training.fold).toBe('final');
    expect(m.description).toMatch(/Research use only/);
    expect(existsSync(join(defaultLesionModelDir(), 'MODEL_CARD.md'))).toBe(true);
  });

  it('carries fitted reporting thresholds, with the fit that produced them', async () => {
    const file = JSON.parse(await readFile(join(defaultLesionModelDir(), 'reporting.json'), 'utf8'));
    expect(model.reporting).toMatchObject({ minScore: file.minScore, dmeExudateMinScore: file.dmeExudateMinScore });
    expect(file.fit.model.sha256).toBe(model.manifest.sha256);
    expect(file.fit.outOfFold.healthyPhotographs).toBeGreaterThan(100);
  });

  it('maps a flat image to low probabilities everywhere (nothing on an empty retina)', async () => {
    const maps = await model.predict({ width: 96, height: 96, data: new Uint8Array(96 * 96 * 3).fill(128) });
    for (const c of lesionClasses) expect(Math.max(...maps.maps[c.code]!)).toBeLessThan(model.reporting.minScore[c.kind]);
  });

  it('ships the lesion-based grade fitted beside the shipped CNN', async () => {
    const grading = await readLesionGrading(defaultModelDir());
    expect(grading).not.toBeNull();
    expect(grading!.cnnSha256).toBe((await readModelManifest(defaultModelDir())).sha256);
    const names = grading!.operatingPoints.referable.map((p) => p.name);
    expect(names).toContain(grading!.operatingPoints.default);
    const thresholds = grading!.operatingPoints.referable.map((p) => p.threshold);
    expect([...thresholds].sort((a, b) => a - b)).toEqual(thresholds);
  });
});
