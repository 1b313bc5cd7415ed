import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DrgradeError } from '../errors.js';

/** Reads a file of a model folder; a missing or unreadable file is `MODEL_NOT_FOUND`. */
export async function readModelFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
      throw new DrgradeError('MODEL_NOT_FOUND', `Expected a model file at ${path} but received ${code}`, { cause: error });
    }
    throw new DrgradeError('MODEL_NOT_FOUND', `Expected a readable model file at ${path} but received ${code ?? String(error)}`, { cause: error });
  }
}

/** Throws `MODEL_CHECKSUM_MISMATCH` unless the sha256 of `bytes` is `expected` (hex, from the manifest). */
export function verifySha256(bytes: Uint8Array, expected: string, fileName: string): void {
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) {
    throw new DrgradeError('MODEL_CHECKSUM_MISMATCH', `Expected sha256 ${expected} (model.json) for ${fileName} but received ${actual}`, {
      details: { expected, actual },
    });
  }
}
