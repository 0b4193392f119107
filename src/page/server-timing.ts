import type { SectionOutcome } from '../trace/section-record.ts';

/** What the `Server-Timing` value says about one section. */
export interface SectionTiming {
  /** The section's name. */
  readonly name: string;
  /** How the section rendered. */
  readonly outcome: SectionOutcome;
  /** Milliseconds rendering waited for the section's data. */
  readonly blocked: number;
}

function quoted(text: string): string {
  // A header value is printable ASCII here: controls and non-ASCII become `?`.
  return `"${text.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

/**
 * A W3C `Server-Timing` value for a page: `page` (time since the page started, described by its
 * name) and one `section-NAME` metric per section with the time rendering was blocked on it,
 * described by its name and, for a fallback, why (`recs timeout`).
 */
export function pageServerTiming(
  page: string,
  elapsed: number,
  sections: readonly SectionTiming[],
): string {
  const metrics = [`page;dur=${elapsed.toFixed(1)};desc=${quoted(page)}`];
  for (const section of sections) {
    const description =
      section.outcome === 'ok' ? section.name : `${section.name} ${section.outcome}`;
    metrics.push(
      `section-${section.name};dur=${section.blocked.toFixed(1)};desc=${quoted(description)}`,
    );
  }
  return metrics.join(', ');
}
