import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The tiny committed test model (test/fixtures/tiny-model, a real ONNX model with input [N, 3, 32, 32]), found from
 * the package root so it resolves whether the fuzzer runs from sources (vitest) or compiled (`npm run fuzz`).
 */
export function fuzzModelDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Expected a package.json above the fuzzer for the tiny model but received none');
    dir = parent;
  }
  return join(dir, 'test', 'fixtures', 'tiny-model');
}
