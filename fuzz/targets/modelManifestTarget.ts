import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { defaultModelDir } from '../../shared/grading/defaultModelDir.js';
import { validateManifest } from '../../shared/grading/validateManifest.js';
import type { FuzzTarget } from '../FuzzTarget.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside `value`, as key lists. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

/** A copy of `root` with the value at `path` replaced (or removed when `replacement` is undefined). */
function replaced(root: Json, path: readonly (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = root.slice();
    if (replacement === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = replaced(copy[head as number] ?? null, rest, replacement);
    return copy;
  }
  const copy = { ...(root as Record<string, Json>) };
  if (replacement === undefined && rest.length === 0) delete copy[head as string];
  else copy[head as string] = replaced(copy[head as string] ?? null, rest, replacement);
  return copy;
}

const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, 0, -1, 1e308, -0, '', '__proto__', [], {}, [null], { constructor: 1 }, 'x'.repeat(300)),
  fc.double({ noNaN: true }).map((n) => (Number.isFinite(n) ? n : 0)),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** `validateManifest` on the shipped model.json with fields replaced by odd values or removed, and on random JSON. */
export async function modelManifestTarget(): Promise<FuzzTarget<unknown>> {
  const manifest = JSON.parse(await readFile(join(defaultModelDir(), 'model.json'), 'utf8')) as Json;
  const paths = pathsOf(manifest);
  const edits = fc.array(fc.tuple(fc.constantFrom(...paths), fc.option(oddValue, { nil: undefined })), { minLength: 1, maxLength: 3 });
  return {
    name: 'modelManifest',
    arbitrary: fc.oneof(
      { weight: 4, arbitrary: edits.map((list) => list.reduce<Json>((m, [path, value]) => replaced(m, path, value), manifest)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    ),
    deadlineMs: 5_000,
    run: async (value) => {
      validateManifest(value);
    },
    close: async () => undefined,
  };
}
