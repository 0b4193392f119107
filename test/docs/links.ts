/**
 * The relative links of the Markdown docs and the anchors their headings make, for the link test.
 * Anchors follow GitHub's rule: the heading's text in lower case, without Markdown's backticks and
 * emphasis, every character that is not a letter, a digit, `_`, `-` or a space dropped, spaces
 * turned into `-`; a repeated anchor gets `-1`, `-2`… Text inside code fences is neither a link
 * nor a heading.
 */

/** One relative link of a Markdown file: its target path (empty for `#anchor`) and anchor. */
export interface MarkdownLink {
  /** 1-based line of the link. */
  readonly line: number;
  readonly path: string;
  readonly anchor?: string;
}

const LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** The lines of `markdown` outside code fences, each with its 1-based number. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const lines: { text: string; line: number }[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, index) => {
    if (text.startsWith('```')) fenced = !fenced;
    else if (!fenced) lines.push({ text, line: index + 1 });
  });
  return lines;
}

/** Every link of `markdown` that is not to another site (`https:`, `mailto:`…). */
export function relativeLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { text, line } of proseLines(markdown)) {
    // Inline code is not a link: `[a](b)` in backticks shows Markdown, it does not link.
    const prose = text.replace(/`[^`]*`/g, '``');
    for (const match of prose.matchAll(LINK)) {
      const target = match[1] ?? '';
      if (EXTERNAL.test(target)) continue;
      const hash = target.indexOf('#');
      links.push(
        hash === -1
          ? { line, path: target }
          : { line, path: target.slice(0, hash), anchor: target.slice(hash + 1) },
      );
    }
  }
  return links;
}

/** The anchor GitHub gives a heading's text (before `-N` for repeats). */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of every heading of `markdown`, repeats numbered as GitHub numbers them. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(text);
    if (!heading) continue;
    const base = slug(heading[1] ?? '');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}
