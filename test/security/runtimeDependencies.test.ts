import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/http/openApiDocument.js';

// `npm audit` gets no answer from the registry here, so the checks read what npm already wrote down: the lockfile
// and each installed package.json carry `deprecated` when the registry marked a version deprecated.

const root = join(import.meta.dirname, '..', '..');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;

interface LockEntry {
  readonly version?: string;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly deprecated?: string;
}

const lock = readJson<{ lockfileVersion: number; packages: Record<string, LockEntry> }>('package-lock.json');
const manifest = readJson<{ dependencies: Record<string, string> }>('package.json');
/** Lockfile entries the runtime installs (`npm ci --omit=dev`): every package not marked dev. */
const runtimeEntries = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional);

describe('runtime dependencies', () => {
  it('the lockfile lists the runtime tree (lockfile v3 with dev markers)', () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    for (const name of Object.keys(manifest.dependencies)) expect(lock.packages[`node_modules/${name}`]?.dev, name).not.toBe(true);
    expect(runtimeEntries.length).toBeGreaterThan(Object.keys(manifest.dependencies).length);
  });

  it('no runtime package, direct or transitive, is deprecated (lockfile and installed package.json)', () => {
    const deprecated = runtimeEntries.flatMap(([path, entry]) => {
      const installed = join(root, path, 'package.json');
      const notice = entry.deprecated ?? (existsSync(installed) ? (JSON.parse(readFileSync(installed, 'utf8')) as { deprecated?: string }).deprecated : undefined);
      return notice ? [`${path.slice('node_modules/'.length)}@${entry.version}: ${notice}`] : [];
    });
    expect(deprecated).toEqual([]);
  });

  it('docs/security.md lists every direct runtime dependency with the installed version and a reason', () => {
    const doc = readFileSync(join(root, 'docs', 'security.md'), 'utf8');
    for (const name of Object.keys(manifest.dependencies)) {
      const { version } = readJson<{ version: string }>(join('node_modules', name, 'package.json'));
      expect(doc, name).toMatch(new RegExp(`\\| \`${name.replace(/[/.]/g, '\\$&')}\` \\| ${version.replace(/\./g, '\\.')} \\| [^|]{20,} \\|`));
    }
  });
});

describe('docs/security.md', () => {
  const doc = readFileSync(join(root, 'docs', 'security.md'), 'utf8');

  it('walks all ten OWASP API Security Top 10 (2023) items, and every test file it cites exists', () => {
    for (let i = 1; i <= 10; i++) expect(doc, `API${i}`).toMatch(new RegExp(`^### API${i}:2023 `, 'm'));
    const cited = [...doc.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!);
    expect(cited.length).toBeGreaterThan(10);
    for (const path of cited) expect(existsSync(join(root, path)), path).toBe(true);
  });

  it('API1 holds because no route takes an object id: the OpenAPI paths have no parameters', () => {
    for (const path of Object.keys(openApiDocument.paths)) expect(path).not.toMatch(/[{}]/);
  });
});
