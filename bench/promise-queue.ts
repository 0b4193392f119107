/**
 * The bare bounded promise queue W3 puts a plain client behind: all thunks in one array,
 * `concurrency` runners each taking the next one (and dropping it from the array) until none are
 * left. Resolves when every thunk has settled; the first rejection rejects it.
 */
export async function drain(
  thunks: (undefined | (() => PromiseLike<unknown>))[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < thunks.length) {
      const thunk = thunks[next] as () => PromiseLike<unknown>;
      thunks[next++] = undefined;
      await thunk();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, runner));
}
