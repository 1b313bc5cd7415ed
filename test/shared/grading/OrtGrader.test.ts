import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { calibrate } from '../../../shared/grading/calibrate.js';
import { OrtGrader } from '../../../shared/grading/OrtGrader.js';
import { expectedProbeLogits, probeInput, tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

describe('OrtGrader', () => {
  let grader: OrtGrader;
  const logs: Record<string, unknown>[] = [];
  beforeAll(async () => {
    grader = await OrtGrader.create(tinyModelDir, { maxBatchSize: 3, intraOpNumThreads: 1, log: (e) => logs.push(e) });
  });
  afterAll(async () => {
    await grader.close();
  });

  it('reports the provider in use and logs it once at load', () => {
    expect(grader.executionProvider).toBe('cpu');
    expect(logs).toEqual([expect.objectContaining({ event: 'model_loaded', model: 'drgrade-tiny', executionProvider: 'cpu', requestedProvider: 'cpu' })]);
  });

  it('computes the same logits as the NumPy reference, calibrated with the manifest temperature', async () => {
    const probabilities = await grader.grade([probeInput(0), probeInput(1)]);
    expect(probabilities).toHaveLength(2);
    probabilities.forEach((row, n) => {
      const expected = calibrate(expectedProbeLogits[n]!, { kind: 'logits', method: 'temperature', temperature: 1.5 });
      expect(row).toEqual(expected.map((v) => expect.closeTo(v, 4)));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    });
  });

  it('gives the same rows whether inputs run alone or batched across chunks', async () => {
    const inputs = Array.from({ length: 7 }, (_, i) => probeInput(i % 2 === 0 ? i : -i));
    const batched = await grader.grade(inputs);
    const alone: number[][] = [];
    for (const input of inputs) alone.push(...(await grader.grade([input])));
    expect(batched).toHaveLength(7);
    batched.forEach((row, i) => expect(row).toEqual(alone[i]!.map((v) => expect.closeTo(v, 6))));
  });

  it('returns nothing for no inputs', async () => {
    expect(await grader.grade([])).toEqual([]);
  });

  it('rejects an input of the wrong length', async () => {
    await expect(grader.grade([new Float32Array(10)])).rejects.toSatisfy(
      (e) => isDrgradeError(e, 'INVALID_ARGUMENT') && /^Expected a Float32Array \(FP32\) of 3 x 32 x 32 = 3072 values for inputs\[0\] but received "a Float32Array of 10 values"$/.test(e.message),
    );
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(grader.grade([probeInput(0)], { signal: controller.signal })).rejects.toBeDefined();
  });

  it('is ready until closed', async () => {
    const other = await OrtGrader.create(tinyModelDir, { warmUp: false });
    expect(await other.ready()).toBe(true);
    await other.close();
    expect(await other.ready()).toBe(false);
    await expect(other.grade([probeInput(0)])).rejects.toBeDefined();
  });
});
