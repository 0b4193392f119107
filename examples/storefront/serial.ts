/**
 * `?mode=serial`: the page as a plain `Session` writes it — one request after another, each
 * awaited before the next is sent. The time is the sum of every latency. A section whose input
 * failed sends no request; it is noted in the view's trace (`recordSkip`), so its waterfall still
 * shows it.
 */
import { currentTrace, type HTML, type Session } from '../../src/index.ts';
import { inputFrom } from './inputs.ts';
import { frame } from './layout.ts';
import type { StoreSection } from './sections.ts';

/** Every section's frame, fetched in page order; `signal` stops the requests left. */
export async function serialSections(
  session: Session,
  sections: readonly StoreSection[],
  signal: AbortSignal,
): Promise<HTML[]> {
  const answers = new Map<string, unknown>();
  const input = inputFrom(answers);
  const frames: HTML[] = [];
  for (const section of sections) {
    let params: ReturnType<StoreSection['query']>;
    try {
      params = section.query(input);
    } catch (error) {
      currentTrace()?.recordSkip(`GET /api/${section.name}`, (error as Error).message);
      frames.push(frame(section, section.fallback, 'fallback'));
      continue;
    }
    try {
      const response = await session.get(`/api/${section.name}`, {
        signal,
        ...(params ? { params } : {}),
      });
      const data = response.raiseForStatus().json();
      answers.set(section.name, data);
      frames.push(frame(section, section.render(data), 'ok'));
    } catch {
      frames.push(frame(section, section.fallback, 'fallback'));
    }
  }
  return frames;
}
