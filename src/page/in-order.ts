import type { Flusher } from './flusher.ts';

/**
 * In-order streaming: each section goes out as soon as it and every section before it are ready
 * (sections ready together go out in one chunk). Rendering wants a section once the one before it
 * has gone out, so its blocked time is how long the stream stood still waiting for it.
 */
export async function* inOrder(flusher: Flusher): AsyncGenerator<string, void, undefined> {
  const { runs } = flusher;
  let index = 0;
  while (index < runs.length) {
    let run = runs[index++];
    if (run === undefined) return;
    flusher.want(run);
    await run.settled;
    let chunk = flusher.flush(run);
    for (run = runs[index]; run?.outcome !== undefined; run = runs[++index]) {
      flusher.want(run);
      chunk += flusher.flush(run);
    }
    yield chunk;
  }
}
