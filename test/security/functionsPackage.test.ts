import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The Functions package is the repository root filtered by .funcignore (azd and func both honour it): dist/**
// ships, sources do not. Development-only code must stay out of it, and nothing the functions import may be cut.

const root = join(import.meta.dirname, '..', '..');

/** Files only development uses: the Azurite launcher, the benches and the faulty proxy, the CLI, the fuzzer. */
const developmentOnly = ['dist/shared/storage/startAzurite.js', 'dist/shared/service/startFaultyProxy.js', 'dist/shared/service/runBlobBench.js', 'dist/cli/main.js', 'dist/cli/commands/bench-blob.js', 'dist/cli/commands/bench-serve.js', 'dist/fuzz/main.js', 'fuzz/main.ts', 'out/fuzz/fuzz/main.js'];

/** gitignore-style matching as the Functions tooling applies .funcignore: the last matching pattern wins, `!` re-includes. */
function ignoredBy(patterns: readonly string[]): (path: string) => boolean {
  const rules = patterns.map((raw) => {
    const negated = raw.startsWith('!');
    let pattern = negated ? raw.slice(1) : raw;
    const directory = pattern.endsWith('/');
    if (directory) pattern = pattern.slice(0, -1);
    const anchored = pattern.includes('/');
    const body = pattern
      .replace(/^\//, '')
      .split(/(\*\*\/?|\*|\?)/)
      .map((part) => (part === '**/' || part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    const regex = new RegExp(`${anchored ? '^' : '(^|/)'}${body}${directory ? '/' : '(/|$)'}`);
    return { negated, regex };
  });
  return (path) => rules.reduce((ignored, rule) => (rule.regex.test(path) ? !rule.negated : ignored), false);
}

/** Relative imports reachable from `entry` (a .ts source), as source paths relative to the repository. */
function importClosure(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(root, file), 'utf8');
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)\.js'|import\('(\.[^']+)\.js'\)/g)) {
      const target = relative(root, join(root, dirname(file), `${match[1] ?? match[2]}.ts`));
      if (existsSync(join(root, target))) visit(target);
    }
  };
  entries.forEach(visit);
  return seen;
}

const patterns = readFileSync(join(root, '.funcignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const ignored = ignoredBy(patterns);

describe('Functions package (.funcignore)', () => {
  it('ships the compiled functions and host.json, not the sources, tests or infra', () => {
    for (const path of ['dist/functions/gradeHttp.js', 'dist/shared/service/gradeBlob.js', 'host.json', 'package.json']) expect(ignored(path), path).toBe(false);
    for (const path of ['functions/gradeHttp.ts', 'test/functions/gradeHttp.test.ts', 'infra/main.bicep', 'docs/security.md', 'training/train.py']) expect(ignored(path), path).toBe(true);
  });

  it('leaves out every development-only file', () => {
    expect(developmentOnly.filter((path) => !ignored(path))).toEqual([]);
  });

  it('keeps everything the functions import, and none of it is development-only', () => {
    const functions = readdirSync(join(root, 'functions')).filter((f) => f.endsWith('.ts')).map((f) => `functions/${f}`);
    const shipped = [...importClosure(functions)].map((source) => `dist/${source.replace(/\.ts$/, '.js')}`);
    expect(shipped.length).toBeGreaterThan(20);
    expect(shipped.filter(ignored)).toEqual([]);
    expect(shipped.filter((path) => developmentOnly.includes(path))).toEqual([]);
  });
});
