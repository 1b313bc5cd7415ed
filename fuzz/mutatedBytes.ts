import fc from 'fast-check';

type Edit =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'repeat'; at: number; length: number; times: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 16 }) }) },
);

function apply(seed: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let bytes = seed;
  for (const e of edits) {
    const at = bytes.length === 0 ? 0 : e.at % bytes.length;
    switch (e.kind) {
      case 'flip': {
        if (bytes.length === 0) break;
        if (bytes === seed) bytes = seed.slice();
        bytes[at] = e.value;
        break;
      }
      case 'insert':
        bytes = concat([bytes.subarray(0, at), e.bytes, bytes.subarray(at)]);
        break;
      case 'delete':
        bytes = concat([bytes.subarray(0, at), bytes.subarray(at + e.length)]);
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'repeat': {
        const piece = bytes.subarray(at, at + e.length);
        bytes = concat([bytes.subarray(0, at), ...Array.from({ length: e.times }, () => piece), bytes.subarray(at)]);
        break;
      }
    }
  }
  return bytes;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Bytes near valid ones: one of `seeds` with up to `maxEdits` byte flips, insertions, deletions, truncations and
 * repeats (mutation fuzzing, the way AFL starts from a corpus), mixed with wholly random bytes.
 */
export function mutatedBytes(seeds: readonly Uint8Array[], maxEdits = 8): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: maxEdits })).map(([seed, edits]) => apply(seed, edits)) },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  );
}
