/**
 * `?mode=parallel`: the two phases of the original post with a `FuturesSession` and a flow —
 * phase one fires every section's request at once (one that needs another's answer the moment
 * that answer is there: the flow's dependency edges), phase two renders the sections in order,
 * each waiting only for its own data. Nothing is sent before the last one is ready, so the first
 * byte comes as late as the last.
 */
import { type FlowDefinition, type FuturesSession, flow, type HTML } from '../../src/index.ts';
import { frame } from './layout.ts';
import type { Input, Inputs, StoreSection } from './sections.ts';

/** Each section's data, by name (the answers' JSON). */
export type SectionData = Record<string, unknown>;

// The sections come from a list, so the compiler cannot follow each step's name and type through
// `step()` as it does for a chain written out: the flow is built through this view of it, and
// each section types its own data where it renders (see sections.ts).
interface StepAdder {
  step(name: string, after: readonly string[], run: (inputs: SectionData) => unknown): StepAdder;
}

/** A flow with one step per section: its request, sent once the steps it needs are done. */
export function sectionsFlow(
  session: FuturesSession,
  sections: readonly StoreSection[],
): FlowDefinition<SectionData> {
  let adder = flow({ name: 'storefront' }) as unknown as StepAdder;
  for (const section of sections) {
    adder = adder.step(section.name, section.needs, (inputs) => {
      const input: Input = (name) => inputs[name] as Inputs[typeof name];
      const params = section.query(input);
      return session
        .get(`/api/${section.name}`, params ? { params } : {})
        .map((response) => response.raiseForStatus().json());
    });
  }
  return adder as unknown as FlowDefinition<SectionData>;
}

/** Every section's frame; `signal` cancels the requests still running. */
export async function parallelSections(
  definition: FlowDefinition<SectionData>,
  sections: readonly StoreSection[],
  signal: AbortSignal,
): Promise<HTML[]> {
  // Phase one: every step without dependencies starts now, the others as theirs finish.
  const running = definition.start({ signal });
  // Phase two: render in page order.
  const frames: HTML[] = [];
  for (const section of sections) {
    try {
      const data = await running.steps[section.name];
      frames.push(frame(section, section.render(data), 'ok'));
    } catch {
      frames.push(frame(section, section.fallback, 'fallback'));
    }
  }
  return frames;
}
