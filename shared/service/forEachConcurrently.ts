/**
 * Runs `work` on every item of an (async) iterable with at most `concurrency` in flight, in input order of start.
 * Rejections propagate after in-flight work settles; callers that must not stop catch inside `work`.
 */
export async function forEachConcurrently<T>(items: Iterable<T> | AsyncIterable<T>, concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = Symbol.asyncIterator in Object(items) ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : toAsync(items as Iterable<T>);
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    for (;;) {
      if (failure) return;
      const next = await iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
