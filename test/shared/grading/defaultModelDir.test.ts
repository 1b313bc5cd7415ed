import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultModelDir } from '../../../shared/grading/defaultModelDir.js';

describe('defaultModelDir', () => {
  it('is models/default at the package root', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    expect(defaultModelDir()).toBe(join(root, 'models', 'default'));
    expect(existsSync(join(dirname(defaultModelDir()), 'model.schema.json'))).toBe(true);
  });
});
