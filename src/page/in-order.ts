import type { Flusher } from './flusher.ts';

/**
 * In-order streaming: each section goes out as soon as it and every section before it are ready.
 * Rendering wants a section once the one before it has gone out, so its blocked time is how long
 * the stream stood still waiting for it.
 */
export async function* inOrder(flusher: Flusher): AsyncGenerator<string, void, undefined> {
  for (const run of flusher.runs) {
    flusher.want(run);
    await run.settled;
    yield flusher.flush(run);
  }
}
