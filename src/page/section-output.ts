import { describe } from '../core/validate.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import type { SectionOutcome } from '../trace/section-record.ts';
import { isHTML } from './html.ts';
import type { Markup, SectionFailure } from './section.ts';
import type { DataOutcome } from './section-run.ts';
import type { CheckedSection } from './validate-section.ts';

/** A section's HTML and how it came about. */
export interface SectionOutput {
  readonly html: string;
  readonly outcome: SectionOutcome;
}

/**
 * The markup as a string (an `HTML` object's markup, or a template engine's string).
 *
 * @throws {InvalidOptionError} for anything else (a render that returned nothing, say).
 */
export function markupText(markup: Markup, what = 'render'): string {
  if (typeof markup === 'string') return markup;
  if (isHTML(markup)) return markup.html;
  throw new InvalidOptionError(
    `Expected \`${what}\` to return a string or html\`…\`, got ${describe(markup)}`,
  );
}

/**
 * Phase two for one section: `render(data)`, or its fallback when the data is missing or
 * `render` throws. A fallback that throws renders nothing: an error never leaves its section.
 */
export function renderSection(
  section: CheckedSection,
  outcome: DataOutcome,
  input: unknown,
  pageFallback: ((failure: SectionFailure) => Markup) | undefined,
): SectionOutput {
  if (outcome.ok) {
    try {
      return { html: markupText(section.render(outcome.value, input)), outcome: 'ok' };
    } catch (error) {
      return renderFallback(
        section,
        { section: section.name, reason: 'error', error },
        pageFallback,
      );
    }
  }
  const failure = { section: section.name, reason: outcome.reason, error: outcome.error };
  return renderFallback(section, failure, pageFallback);
}

function renderFallback(
  section: CheckedSection,
  failure: SectionFailure,
  pageFallback: ((failure: SectionFailure) => Markup) | undefined,
): SectionOutput {
  const fallback = section.fallback ?? pageFallback;
  if (fallback === undefined) return { html: '', outcome: failure.reason };
  try {
    return { html: markupText(fallback(failure), 'fallback'), outcome: failure.reason };
  } catch {
    return { html: '', outcome: failure.reason };
  }
}
