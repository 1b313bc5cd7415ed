import { describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { readBodyWithLimit } from '../../../shared/http/readBodyWithLimit.js';

function streamOf(chunks: number[], onCancel?: () => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(new Uint8Array(chunks[i++]!).fill(7));
      else controller.close();
    },
    cancel: () => onCancel?.(),
  });
}

describe('readBodyWithLimit', () => {
  it('joins the chunks of a body within the limit', async () => {
    const bytes = await readBodyWithLimit(streamOf([3, 4, 5]), 12);
    expect(bytes.byteLength).toBe(12);
    expect(bytes.every((b) => b === 7)).toBe(true);
  });

  it('stops and cancels the stream as soon as the limit is passed', async () => {
    let cancelled = false;
    const error = await readBodyWithLimit(streamOf([5, 5, 5, 5, 5], () => (cancelled = true)), 12).catch((e: unknown) => e);
    expect(isDrgradeError(error, 'INPUT_TOO_LARGE')).toBe(true);
    expect(cancelled).toBe(true);
  });

  it('reads a missing body as empty', async () => {
    expect((await readBodyWithLimit(null, 10)).byteLength).toBe(0);
  });
});
