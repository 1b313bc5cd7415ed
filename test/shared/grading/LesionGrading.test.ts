import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModelDir } from '../../../shared/grading/defaultModelDir.js';
import { jpegQualityBands, lesionGradingFile, lesionGradingFor, readLesionGrading } from '../../../shared/grading/LesionGrading.js';

const shipped = async () => JSON.parse(await readFile(join(defaultModelDir(), lesionGradingFile), 'utf8')) as Record<string, unknown> & { model: unknown; operatingPoints: unknown };

async function withFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drgrade-lesion-grading-'));
  await writeFile(join(dir, lesionGradingFile), JSON.stringify(content));
  return dir;
}

describe('JPEG quality bands of the lesion-based grade', () => {
  it('end each band midway to the next fitted quality and the last midway to the main photographs\' 90', () => {
    expect(jpegQualityBands([70, 50, 80])).toEqual([
      { fittedJpegQuality: 50, maxJpegQuality: 60 }, { fittedJpegQuality: 70, maxJpegQuality: 75 }, { fittedJpegQuality: 80, maxJpegQuality: 85 },
    ]);
  });

  it('grade each photograph by its band, and photographs that are not JPEGs or above every band by the main model', async () => {
    const base = await shipped();
    const band = (fitted: number, max: number, bias: number) => ({ fittedJpegQuality: fitted, maxJpegQuality: max, model: { ...(base.model as object), weights: (base.model as { weights: number[][] }).weights.map((r) => r.map((v) => v + bias)) }, operatingPoints: base.operatingPoints });
    const grading = (await readLesionGrading(await withFile({ ...base, compressed: [band(50, 60, 0.1), band(70, 75, 0.2)] })))!;
    expect([null, 30, 59.9, 60, 74, 75, 90, 100].map((q) => lesionGradingFor(grading, q).variant)).toEqual(['main', 'jpeg-50', 'jpeg-50', 'jpeg-70', 'jpeg-70', 'main', 'main', 'main']);
    expect(lesionGradingFor(grading, 40).model).toBe(grading.compressed![0]!.model);
    expect(lesionGradingFor(grading, null).model).toBe(grading.model);
  });

  it('refuse bands out of order, qualities out of range and bands without a valid model, as MODEL_MANIFEST_INVALID', async () => {
    const base = await shipped();
    const good = { fittedJpegQuality: 50, maxJpegQuality: 60, model: base.model, operatingPoints: base.operatingPoints };
    for (const compressed of [
      { ...good },
      [{ ...good, fittedJpegQuality: 60 }],
      [{ ...good, maxJpegQuality: 120 }],
      [{ ...good, model: { features: ['x'], weights: [] } }],
      [{ ...good, operatingPoints: { default: 'nope', referable: [] } }],
      [{ ...good, fittedJpegQuality: 70, maxJpegQuality: 75 }, good],
    ]) {
      await expect(readLesionGrading(await withFile({ ...base, compressed }))).rejects.toMatchObject({ code: 'MODEL_MANIFEST_INVALID' });
    }
    await expect(readLesionGrading(await withFile({ ...base, compressed: [good] }))).resolves.toMatchObject({ compressed: [{ fittedJpegQuality: 50 }] });
  });
});
