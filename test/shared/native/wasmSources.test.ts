import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frstWasmBase64, frstWasmSourceSha256 } from '../../../shared/lesions/frstWasmBinary.js';
import { kernelsWasmBase64, kernelsWasmSourceSha256 } from '../../../shared/native/kernelsWasmBinary.js';

const nativeDir = resolve(import.meta.dirname, '..', '..', '..', 'native');

/** The rule of native/build.sh: sha256 of `<name>.c` followed by `arena.h`. */
function sourceSha(name: string): string {
  const h = createHash('sha256');
  for (const f of [`${name}.c`, 'arena.h']) h.update(readFileSync(join(nativeDir, f)));
  return h.digest('hex');
}

describe('the embedded WebAssembly matches its C sources', () => {
  it.each([
    ['frst', frstWasmSourceSha256, frstWasmBase64],
    ['kernels', kernelsWasmSourceSha256, kernelsWasmBase64],
  ])('%s: the generated module was built from the committed sources (rebuild with npm run build:wasm when they change)', (name, recorded, base64) => {
    expect(sourceSha(name)).toBe(recorded);
    // The committed .wasm file and the embedded base64 are the same bytes.
    expect(Buffer.from(base64, 'base64').equals(readFileSync(join(nativeDir, `${name}.wasm`)))).toBe(true);
  });
});
