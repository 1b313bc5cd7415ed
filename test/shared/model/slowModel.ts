import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';
import { onnxModelBytes } from './onnxGraph.js';

/** Options of {@link slowModelBytes}. */
export interface SlowModelOptions {
  /** Width of the hidden layers. @default 2048 */
  readonly width?: number;
  /** Hidden MatMuls, each `width` x `width` per row. @default 96 */
  readonly steps?: number;
}

/**
 * A deliberately slow model with the tiny model's contract (input 'input' FP32 [N, 3, 32, 32], output 'logits'
 * FP32 [N, 5]): a reshape then a chain of `steps` width x width MatMuls on zero weights, so a run costs about
 * rows x steps x width² multiply-adds (a 128-row batch at the defaults: 52 G, hundreds of ms on one core) while
 * its outputs stay zero.
 */
export function slowModelBytes(options: SlowModelOptions = {}): Uint8Array {
  const width = options.width ?? 2048;
  const steps = options.steps ?? 96;
  const features = 3 * 32 * 32;
  const int64 = (values: number[]): Uint8Array => new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
  const zeros = (n: number): Uint8Array => new Uint8Array(n * 4);
  const nodes = [
    { opType: 'Reshape', inputs: ['input', 'flat_shape'], outputs: ['h_in'] },
    { opType: 'MatMul', inputs: ['h_in', 'w_in'], outputs: ['h0'] },
    ...Array.from({ length: steps }, (_, i) => ({ opType: 'MatMul', inputs: [`h${i}`, 'w'], outputs: [`h${i + 1}`] })),
    { opType: 'MatMul', inputs: [`h${steps}`, 'w_out'], outputs: ['logits'] },
  ];
  return onnxModelBytes({
    nodes,
    inputs: [{ name: 'input', type: 'float32', shape: ['N', 3, 32, 32] }],
    outputs: [{ name: 'logits', type: 'float32', shape: ['N', 5] }],
    initializers: [
      { name: 'flat_shape', type: 'int64', dims: [2], raw: int64([-1, features]) },
      { name: 'w_in', type: 'float32', dims: [features, width], raw: zeros(features * width) },
      { name: 'w', type: 'float32', dims: [width, width], raw: zeros(width * width) },
      { name: 'w_out', type: 'float32', dims: [width, 5], raw: zeros(width * 5) },
    ],
  });
}

/** Writes a model folder (model.onnx + the tiny model's model.json with this file's sha256) for the slow model, in a new temporary folder. */
export async function writeSlowModelDir(options: SlowModelOptions = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drgrade-slow-model-'));
  const bytes = slowModelBytes(options);
  const manifest = JSON.parse(await readFile(join(tinyModelDir, 'model.json'), 'utf8')) as Record<string, unknown>;
  manifest.name = 'drgrade-slow';
  manifest.description = 'Deliberately slow zero-weight model for tests (test/shared/model/slowModel.ts).';
  manifest.sha256 = createHash('sha256').update(bytes).digest('hex');
  await writeFile(join(dir, 'model.onnx'), bytes);
  await writeFile(join(dir, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
