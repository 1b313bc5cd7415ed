import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Tensor } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { gradeLabels } from '../../shared/grading/gradeTable.js';
import { loadModel } from '../../shared/grading/loadModel.js';

/**
 * Runs the training recipe's smoke test (training/tests/test_smoke.py: synthetic images, one short epoch, resume,
 * ONNX export, model.json) with Debian's Python, then loads the model folder it wrote through the real model
 * loader and checks that ONNX Runtime reproduces PyTorch's logits. Skipped, saying why, where torch is missing.
 */
const python = '/usr/bin/python3';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const smokeScript = join(repoRoot, 'training', 'tests', 'test_smoke.py');

function torchAvailable(): { ok: boolean; reason: string } {
  if (!existsSync(python)) return { ok: false, reason: `${python} not found` };
  const probe = spawnSync(python, ['-c', 'import torch, torchvision, onnx, numpy, PIL'], { encoding: 'utf8', timeout: 120_000 });
  if (probe.status === 0) return { ok: true, reason: '' };
  const last = (probe.stderr || probe.error?.message || 'unknown error').trim().split('\n').pop();
  return { ok: false, reason: `${python} cannot import torch, torchvision, onnx, numpy and Pillow (${last})` };
}

function readF32(bytes: Buffer): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

const availability = torchAvailable();
const title = availability.ok
  ? 'trains, resumes and exports a model that the model loader accepts and ONNX Runtime reproduces'
  : `SKIPPED: training smoke test needs PyTorch: ${availability.reason}`;

if (!availability.ok) console.warn(`[training smoke] ${title}`);

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('training recipe smoke test', () => {
  it.skipIf(!availability.ok)(
    title,
    async () => {
      const work = await mkdtemp(join(tmpdir(), 'drgrade-train-smoke-'));
      temps.push(work);
      const runDir = join(work, 'run');
      const result = await promisify(execFile)(python, [smokeScript, '--keep', runDir], {
        cwd: repoRoot,
        timeout: 280_000,
        maxBuffer: 16 * 1024 * 1024,
      }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`test_smoke.py failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      });
      expect(result.stderr).toMatch(/\nOK\s*$/);

      const model = await loadModel(join(runDir, 'model'));
      try {
        const m = model.manifest;
        expect(m.labels).toEqual([...gradeLabels]);
        // The recipe exports model contract v2: UINT8 bytes in, the normalisation in the graph.
        expect(m.input).toEqual({ name: 'input', shape: [-1, 3, 32, 32], layout: 'NCHW', datatype: 'UINT8' });
        expect(m.preprocessing.normalisation).toBe('in-graph');
        expect(m.output).toEqual({ name: 'logits', kind: 'logits', shape: [-1, 5] });
        expect(m.preprocessing.imageKind).toBe('annotated');
        expect(m.preprocessing.resizeKernel).toBe('lanczos3');
        expect(m.calibration.method).toBe('temperature');
        expect(m.operatingPoints.referable.map((p) => p.name)).toEqual(['high_sensitivity', 'balanced', 'high_specificity']);
        expect(m.intendedUse).toMatch(/research use only/i);
        expect(m.validation).toHaveProperty('referableAuc');

        const check = JSON.parse(await readFile(join(runDir, 'onnx_check', 'check.json'), 'utf8')) as {
          inputShape: number[];
          logitsShape: number[];
        };
        const input = new Uint8Array(await readFile(join(runDir, 'onnx_check', 'input.u8')));
        const expected = readF32(await readFile(join(runDir, 'onnx_check', 'logits.f32')));
        // Batch of two through the dynamic batch axis.
        expect(check.inputShape[0]).toBe(2);
        const outputs = await model.session.run({ [m.input.name]: new Tensor('uint8', input, check.inputShape) });
        const logits = outputs[m.output.name]!;
        expect(logits.dims).toEqual(check.logitsShape);
        const actual = logits.data as Float32Array;
        let maxDiff = 0;
        for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
        expect(maxDiff).toBeLessThan(1e-4);
      } finally {
        await model.session.release();
      }
    },
    300_000,
  );
});
