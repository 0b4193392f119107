import type { Input, Inputs } from './sections.ts';

/**
 * The {@link Input} of a section, read from the answers known so far. Asking for an answer that is
 * not there (its section failed) throws, so the section that needed it shows its fallback.
 */
export function inputFrom(answers: ReadonlyMap<string, unknown>): Input {
  return <K extends keyof Inputs>(name: K): Inputs[K] => {
    if (!answers.has(name)) throw new Error(`needs the answer of ${name}, which failed`);
    return answers.get(name) as Inputs[K];
  };
}
