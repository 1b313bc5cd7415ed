import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir } from '../../shared/grading/defaultModelDir.js';
import { readLesionGrading } from '../../shared/grading/LesionGrading.js';
import { readModelManifest } from '../../shared/grading/loadModel.js';
import { defaultLesionModelDir } from '../../shared/lesions/defaultLesionModel.js';
import { candidateFeatureNames } from '../../shared/lesions/candidateFeatures.js';
import { lesionClasses } from '../../shared/lesions/lesionClasses.js';
import { balancedTilePx, LesionModel } from '../../shared/lesions/LesionModel.js';
import { rescoreWithLesionMaps } from '../../shared/lesions/rescoreWithLesionMaps.js';

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

  it('reports nothing on an empty retina: every candidate of a flat image stays below the reporting thresholds', async () => {
    const side = 96;
    const maps = await model.predict({ width: side, height: side, data: new Uint8Array(side * side * 3).fill(128) });
    const mask = { width: side, height: side, data: new Uint8Array(side * side).fill(1) };
    const green = { width: side, height: side, data: new Float32Array(side * side).fill(100) };
    const frst = [{ kind: 'dark' as const, x: 48, y: 48, radius: 3 }, { kind: 'bright' as const, x: 30, y: 60, radius: 3 }];
    const candidates = rescoreWithLesionMaps(frst, maps, mask, { context: { green, circle: { cx: 48, cy: 48, radius: 48 }, disc: null }, ranker: model.ranker, minPeak: 0 });
    expect(candidates.length).toBeGreaterThanOrEqual(2);
    for (const c of candidates) expect(c.score).toBeLessThan(model.reporting.minScore[c.kind]);
    for (const c of lesionClasses) expect(Math.max(...maps.maps[c.code]!)).toBeLessThan(0.5);
  });

  it('gives the same maps, bit for bit, tiled (the default) and in one run on the whole image', async () => {
    // 1000 px: over one tile (768 + 96), so the default runs 2 × 2 balanced tiles of 512 px.
    const side = 1000;
    const data = new Uint8Array(side * side * 3);
    let seed = 3;
    for (let i = 0; i < data.length; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; data[i] = 90 + ((seed >> 16) % 90); }
    const image = { width: side, height: side, data };
    const tiled = await model.predict(image, { scale: 1 });
    const whole = await model.predict(image, { scale: 1, tilePx: 0 });
    expect([tiled.width, tiled.height, tiled.stride]).toEqual([whole.width, whole.height, whole.stride]);
    // Counted rather than toEqual: a deep diff of 250 000-value maps takes minutes when they differ.
    const differing = (a: LesionMapsLike, b: LesionMapsLike) => lesionClasses.reduce((n, c) => n + a.maps[c.code]!.reduce((k, v, i) => k + (v === b.maps[c.code]![i] ? 0 : 1), 0), 0);
    expect(differing(tiled, whole)).toBe(0);
    // A margin too small for the network's reach shows at the seams: the check above can fail.
    const short = await model.predict(image, { scale: 1, tileMarginPx: 16 });
    expect(differing(short, whole)).toBeGreaterThan(0);
    // Smaller tiles (3 × 3 of 336 px) are exact too.
    const small = await model.predict(image, { scale: 1, tilePx: 384 });
    expect(differing(small, whole)).toBe(0);
  });

  type LesionMapsLike = Awaited<ReturnType<LesionModel['predict']>>;

  it('runs only over the content: black bands are cropped, and the maps inside stay those of a whole-image run', async () => {
    // 1000 × 1000 with texture in rows 300–699 and columns 130–999 (a field of view cut at the top and bottom, as
    // IDRiD's 50° photographs are); the rest is the pad value (black), as outside the field of view.
    const side = 1000, top = 300, bottom = 700, left = 130;
    const data = new Uint8Array(side * side * 3);
    let seed = 11;
    for (let y = top; y < bottom; y++) for (let x = left; x < side; x++) for (let c = 0; c < 3; c++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff; data[(y * side + x) * 3 + c] = 90 + ((seed >> 16) % 90);
    }
    const image = { width: side, height: side, data };
    const cropped = await model.predict(image, { scale: 1 });
    const whole = await model.predict(image, { scale: 1, tilePx: 0 });
    expect([cropped.width, cropped.height, cropped.stride]).toEqual([whole.width, whole.height, whole.stride]);
    const s = cropped.stride, mw = cropped.width;
    // Content in map pixels; the crop is grown by the 96 px margin with its origin on the 16 px grid.
    const inside = (mx: number, my: number) => my >= top / s && my < bottom / s && mx >= left / s;
    const inCrop = (mx: number, my: number) => my >= Math.floor((top - 96) / 16) * 16 / s && my < (bottom + 96) / s && mx >= Math.floor((left - 96) / 16) * 16 / s;
    let differInside = 0, nonzeroOutsideCrop = 0, wholeNonzeroOutside = 0, insideCount = 0;
    for (const c of lesionClasses) {
      const a = cropped.maps[c.code]!, b = whole.maps[c.code]!;
      for (let i = 0; i < a.length; i++) {
        const mx = i % mw, my = Math.floor(i / mw);
        if (inside(mx, my)) { insideCount++; if (a[i] !== b[i]) differInside++; }
        else if (!inCrop(mx, my)) { if (a[i] !== 0) nonzeroOutsideCrop++; if (b[i] !== 0) wholeNonzeroOutside++; }
      }
    }
    expect(insideCount).toBe(4 * 200 * 435);
    expect(differInside).toBe(0);
    expect(nonzeroOutsideCrop).toBe(0);
    // The whole-image run gives (small) non-zero values on black: the crop did skip those pixels.
    expect(wholeNonzeroOutside).toBeGreaterThan(0);
    // A crop margin below the network's reach changes values inside: the equality above can fail.
    const short = await model.predict(image, { scale: 1, tileMarginPx: 16 });
    let differShort = 0;
    for (const c of lesionClasses) short.maps[c.code]!.forEach((v, i) => { if (inside(i % mw, Math.floor(i / mw)) && v !== whole.maps[c.code]![i]) differShort++; });
    expect(differShort).toBeGreaterThan(0);
    // Nothing but black: zero maps of the image's size, without running the model.
    const black = await model.predict({ width: 900, height: 900, data: new Uint8Array(900 * 900 * 3) }, { scale: 1 });
    expect([black.width, black.height]).toEqual([450, 450]);
    for (const c of lesionClasses) expect(black.maps[c.code]!.every((v) => v === 0)).toBe(true);
  });

  it('balances tiles over the image on the network\'s 16 px grid', () => {
    expect(balancedTilePx(1501, 768, 16)).toBe(752); // the 1072 px image read at 1.4×: 2 × 2 tiles
    expect(balancedTilePx(1600, 768, 16)).toBe(544); // 3 tiles, not 768 + 768 + a 64 px sliver
    expect(balancedTilePx(1000, 768, 16)).toBe(512);
    expect(balancedTilePx(1000, 384, 16)).toBe(336);
    expect(balancedTilePx(768, 768, 16)).toBe(768);
    expect(balancedTilePx(700, 100, 16)).toBe(96); // the cap rounds down to the grid
    expect(() => balancedTilePx(1000, 8, 16)).toThrow(/maxTile >= multipleOf/);
  });

  it('ships the candidate ranker fitted on the out-of-fold candidates of its fold models, for this code\'s features', async () => {
    expect(model.ranker).not.toBeNull();
    const file = JSON.parse(await readFile(join(defaultLesionModelDir(), 'ranker.json'), 'utf8'));
    expect(file.features).toEqual([...candidateFeatureNames]);
    expect(file.fit.photographs).toBe(54);
    expect(file.fit.folds).toBe(5);
    // The reporting thresholds were fitted on the ranked scores this ranker gives.
    const reporting = JSON.parse(await readFile(join(defaultLesionModelDir(), 'reporting.json'), 'utf8'));
    expect(reporting.fit.model.rankerSha256).toBe(model.rankerSha256);
    expect(file.fit.nestedFigures.ranked.red.frocScore).toBeGreaterThan(file.fit.nestedFigures.mapScores.red.frocScore);
    expect(model.manifest.preprocessing.inferenceScale).toBe(1.4);
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
