/**
 * `?mode=parallel`: the two phases of the original post, by hand with a `FuturesSession` — every
 * section's request is fired first (one that needs another's answer as soon as that answer is
 * there), then the sections render in order, each waiting only for its own data. Nothing is sent
 * before the last one is ready, so the first byte comes as late as the last.
 */

import type { HTML } from '../../src/index.ts';
import { Future, type FuturesScope } from '../../src/index.ts';
import { inputFrom } from './inputs.ts';
import { frame } from './layout.ts';
import type { StoreSection } from './sections.ts';

/** Every section's frame; the requests run at once on `scope`. */
export async function parallelSections(
  scope: FuturesScope,
  sections: readonly StoreSection[],
): Promise<HTML[]> {
  // Phase one: fire. A section with needs waits for their futures, then sends its own request.
  const futures = new Map<string, Future<unknown>>();
  const answers = new Map<string, unknown>();
  const input = inputFrom(answers);
  const fetchData = async (section: StoreSection): Promise<unknown> => {
    const params = section.query(input);
    const response = await scope.get(`/api/${section.name}`, params ? { params } : {});
    const data = response.raiseForStatus().json();
    answers.set(section.name, data);
    return data;
  };
  for (const section of sections) {
    const needs = section.needs.map((name) => futures.get(name) as Future<unknown>);
    const future =
      needs.length === 0
        ? Future.from(fetchData(section))
        : Future.all(needs).map(() => fetchData(section));
    futures.set(section.name, future);
  }
  // Phase two: render in page order.
  const frames: HTML[] = [];
  for (const section of sections) {
    try {
      const data = await (futures.get(section.name) as Future<unknown>);
      frames.push(frame(section, section.render(data), 'ok'));
    } catch {
      frames.push(frame(section, section.fallback, 'fallback'));
    }
  }
  return frames;
}
