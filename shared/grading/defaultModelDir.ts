import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the shipped default model folder, `models/default` at the package root. The root is the
 * nearest folder above this module holding `package.json`, so the answer is the same whether this runs from the
 * TypeScript sources (`shared/grading/`) or the build (`dist/shared/grading/`). The folder may not exist yet.
 */
export function defaultModelDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'models', 'default');
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // No package.json above (an unusual bundle): fall back to the source layout's relative position.
  return join(here, '..', '..', 'models', 'default');
}
