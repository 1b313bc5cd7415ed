/**
 * Protocol-buffer wire primitives for the test helpers that write ONNX bytes by hand (test/shared/model/onnxGraph.ts,
 * test/helpers/fp32FromUint8Onnx.ts): base-128 varints, varint and length-delimited fields, concatenation.
 */

/** A non-negative integer as a base-128 varint. */
export function varint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Field `num` with wire type 0 (varint). */
export function varintField(num: number, value: number): Uint8Array {
  return concat([varint(num * 8), varint(value)]);
}

/** Field `num` with wire type 2 (length-delimited bytes). */
export function field(num: number, bytes: Uint8Array): Uint8Array {
  return concat([varint(num * 8 + 2), varint(bytes.length), bytes]);
}

/** Field `num` holding a UTF-8 string. */
export function stringField(num: number, text: string): Uint8Array {
  return field(num, new TextEncoder().encode(text));
}

/** The parts one after another. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
