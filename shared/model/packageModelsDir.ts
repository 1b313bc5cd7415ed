import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the package's `models/` folder. The package root is the nearest folder above this module holding
 * `package.json`, so the answer is the same from the TypeScript sources (`shared/model/`) and from the build
 * (`dist/shared/model/`).
 */
export function packageModelsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'models');
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // No package.json above (an unusual bundle): fall back to the source layout's relative position.
  return join(here, '..', '..', 'models');
}
