import { DrgradeError } from '../errors.js';

/**
 * Reads a request body stream into memory, stopping (and cancelling the stream) as soon as it exceeds `maxBytes`,
 * so an oversized upload costs at most `maxBytes` of memory. Throws `INPUT_TOO_LARGE`.
 */
export async function readBodyWithLimit(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new DrgradeError('INPUT_TOO_LARGE', `Expected at most ${maxBytes} bytes for request body but received more`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
