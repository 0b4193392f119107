/**
 * The TypeScript blocks of the Markdown docs, for the snippet tests.
 *
 * Every ```ts or ```typescript block is a complete module unless the line before its fence is a
 * fragment marker that says why it is not:
 *
 *     <!-- fragment: continues the quick start's `session` -->
 *
 * A fragment is still typechecked, with the lines between the marker's first line and its `-->`
 * as a prelude placed before the block (declarations of what the block uses, or the start of an
 * expression it continues):
 *
 *     <!-- fragment: continues the quick start's `session`
 *     import type { Session } from 'fanout';
 *     declare const session: Session;
 *     -->
 */

/** One TypeScript block of a Markdown file. */
export interface Snippet {
  /** The Markdown file, relative to the repository. */
  readonly file: string;
  /** 1-based line of the block's first code line (the line after its opening fence). */
  readonly line: number;
  readonly code: string;
  /** The fragment marker's reason, for a fragment. */
  readonly fragment?: string;
  /**
   * The fragment's prelude (possibly empty) and the 1-based line of its first line (the marker's
   * own line when the prelude is empty).
   */
  readonly prelude?: { readonly code: string; readonly line: number };
}

/** A fragment marker that breaks the rules: no reason, or no TypeScript block right after it. */
export interface MarkerProblem {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
}

const FENCE = /^```(ts|typescript)\s*$/;
const MARKER = /^<!--\s*fragment\b:?(.*)$/;

/** The TypeScript blocks of `markdown` (the text of `file`), with their fragment markers. */
export function extractSnippets(
  file: string,
  markdown: string,
): { snippets: Snippet[]; problems: MarkerProblem[] } {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  const problems: MarkerProblem[] = [];
  let pending: { reason: string; prelude: string[]; line: number; end: number } | undefined;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    const marker = MARKER.exec(text);
    if (marker) {
      pending = readMarker(lines, index, marker[1] ?? '');
      if (!pending.reason) {
        problems.push({ file, line: index + 1, problem: 'a fragment marker without a reason' });
      }
      index = pending.end;
      if (!FENCE.test(lines[index + 1] ?? '')) {
        problems.push({
          file,
          line: index + 1,
          problem: 'a fragment marker not before a ts block',
        });
        pending = undefined;
      }
      continue;
    }
    if (text.startsWith('```')) {
      const end = closingFence(lines, index);
      if (FENCE.test(text)) {
        const code = lines.slice(index + 1, end).join('\n');
        snippets.push(
          pending
            ? {
                file,
                line: index + 2,
                code,
                fragment: pending.reason,
                prelude: { code: pending.prelude.join('\n'), line: pending.line + 1 },
              }
            : { file, line: index + 2, code },
        );
      }
      pending = undefined;
      index = end;
    }
  }
  return { snippets, problems };
}

/** The marker starting at `index`: its reason, prelude lines and the index of its `-->` line. */
function readMarker(
  lines: readonly string[],
  index: number,
  rest: string,
): { reason: string; prelude: string[]; line: number; end: number } {
  const closed = rest.indexOf('-->');
  if (closed >= 0)
    return { reason: rest.slice(0, closed).trim(), prelude: [], line: index, end: index };
  let end = index + 1;
  while (end < lines.length && (lines[end] ?? '').trim() !== '-->') end++;
  return { reason: rest.trim(), prelude: lines.slice(index + 1, end), line: index + 1, end };
}

/** The index of the fence closing the block opened at `index` (or the last line). */
function closingFence(lines: readonly string[], index: number): number {
  let end = index + 1;
  while (end < lines.length && !(lines[end] ?? '').startsWith('```')) end++;
  return end;
}
