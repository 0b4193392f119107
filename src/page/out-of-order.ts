import type { Flusher } from './flusher.ts';
import { fragment, placeholder } from './out-of-order-markup.ts';
import { markupText } from './section-output.ts';
import type { SectionRun } from './section-run.ts';

/**
 * The runs in the order they settle, in batches: each batch holds every run that settled since
 * the previous one was taken (at least one).
 */
async function* inCompletionOrder(runs: readonly SectionRun[]): AsyncGenerator<SectionRun[]> {
  let settled: SectionRun[] = [];
  let wake: (() => void) | undefined;
  for (const run of runs) {
    void run.settled.then(() => {
      settled.push(run);
      wake?.();
    });
  }
  for (let count = 0; count < runs.length; ) {
    while (settled.length === 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    const batch = settled;
    settled = [];
    count += batch.length;
    yield batch;
  }
}

/**
 * Out-of-order streaming (BigPipe): the shell goes out at once with every section that is
 * already ready in place and a placeholder for each other one; then each section is flushed the
 * moment it is ready, as a fragment with a script that moves it into its placeholder (sections
 * ready together go out in one chunk). Rendering wants every section when the shell goes out.
 */
export async function* outOfOrder(
  flusher: Flusher,
  nonce: string | undefined,
): AsyncGenerator<string, void, undefined> {
  const pending: SectionRun[] = [];
  let shell = '';
  for (const run of flusher.runs) {
    flusher.want(run);
    if (run.outcome !== undefined) shell += flusher.flush(run);
    else {
      pending.push(run);
      shell += placeholder(run.section.name, markupText(run.section.placeholder));
    }
  }
  yield shell;
  let isFirst = true;
  for await (const batch of inCompletionOrder(pending)) {
    let chunk = '';
    for (const run of batch) {
      chunk += fragment(run.section.name, flusher.flush(run), isFirst, nonce);
      isFirst = false;
    }
    yield chunk;
  }
}
