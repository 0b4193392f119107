/**
 * The TypeScript blocks of the `@example` tags in the JSDoc of src/, for the snippet tests.
 *
 * An `@example` tag's text, its comment's ` * ` prefixes taken off, is Markdown, read as
 * ./snippets.ts reads the docs: each ```ts block is a complete module unless a fragment marker
 * with its reason (and possibly a prelude) stands right before it. TypeDoc renders the marker as
 * an HTML comment, so the prelude does not show in the API reference. An example of an internal
 * module (one `fanout` does not export) is a fragment whose prelude imports it as
 * `#src/<path>` (no extension), which the snippets' tsconfig maps to src/<path>.ts.
 */

import { extractSnippets, type MarkerProblem, type Snippet } from './snippets.ts';

/** A JSDoc line's ` * ` prefix (or a bare ` *`). */
const PREFIX = /^\s*\*( |$)/;
/** A block tag starting a line of a JSDoc comment (`@returns`, `@throws`, …). */
const TAG = /^@\w+/;

/** The TypeScript blocks of the `@example` tags in `source` (the text of `file`), by file line. */
export function extractExamples(
  file: string,
  source: string,
): { snippets: Snippet[]; problems: MarkerProblem[] } {
  const snippets: Snippet[] = [];
  const problems: MarkerProblem[] = [];
  for (const example of exampleTexts(source)) {
    const extracted = extractSnippets(file, example.text);
    const shift = (line: number) => line + example.line - 1;
    for (const snippet of extracted.snippets) {
      snippets.push({
        ...snippet,
        line: shift(snippet.line),
        ...(snippet.prelude && {
          prelude: { code: snippet.prelude.code, line: shift(snippet.prelude.line) },
        }),
      });
    }
    problems.push(
      ...extracted.problems.map((problem) => ({ ...problem, line: shift(problem.line) })),
    );
  }
  return { snippets, problems };
}

/** The Markdown text of each `@example` tag, and the 1-based file line of its first line. */
function exampleTexts(source: string): { text: string; line: number }[] {
  const lines = source.split('\n');
  const examples: { text: string; line: number }[] = [];
  let inComment = false;
  let example: { lines: string[]; line: number; fenced: boolean } | undefined;
  const close = () => {
    if (example) examples.push({ text: example.lines.join('\n'), line: example.line });
    example = undefined;
  };
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    if (!inComment) {
      inComment = raw.trimStart().startsWith('/**') && !raw.includes('*/');
      continue;
    }
    const ends = raw.includes('*/');
    const text = (ends ? raw.slice(0, raw.indexOf('*/')) : raw).replace(PREFIX, '');
    if (example && !example.fenced && TAG.test(text)) close();
    if (text.trim() === '@example') {
      example = { lines: [], line: index + 2, fenced: false };
    } else if (example) {
      if (text.startsWith('```')) example.fenced = !example.fenced;
      example.lines.push(text);
    }
    if (ends) {
      close();
      inComment = false;
    }
  }
  return examples;
}
