import { describe } from '../core/validate.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import { UnsafeTemplateError } from '../errors/unsafe-template-error.ts';
import { type HoleContext, holeContexts } from './template-context.ts';

const brand = Symbol.for('fanout.html');

/**
 * Markup that is trusted as it is: what {@link html} returns and {@link raw} wraps. Interpolating
 * it into another `html` template inserts it unescaped; `String(markup)` is the HTML.
 */
export class HTML {
  /** The markup. */
  readonly html: string;
  /** Brand so that {@link isHTML} works across copies of the library. */
  readonly [brand] = true;

  constructor(markup: string) {
    this.html = markup;
  }

  /** The escaped HTML. */
  toString(): string {
    return this.html;
  }
}

/** Whether `value` is trusted markup ({@link HTML}) from any copy of the library. */
export function isHTML(value: unknown): value is HTML {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/**
 * Marks `markup` as trusted HTML, inserted by {@link html} without escaping. Only for markup you
 * produced or sanitised yourself: never for user input.
 *
 * @example
 * ```ts
 * import { html, raw } from 'fanout';
 *
 * const icon = raw('<svg viewBox="0 0 8 8"><circle r="4" cx="4" cy="4"/></svg>');
 * html`<button>${icon} Buy</button>`;
 * ```
 */
export function raw(markup: string): HTML {
  return new HTML(String(markup));
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` with `& < > " '` replaced by character references: safe as element text and in a quoted attribute. */
export function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Every character but ASCII letters and digits as a character reference: safe in an unquoted attribute. */
function escapeUnquoted(text: string): string {
  return text.replace(/[^A-Za-z0-9]/gu, (char) => `&#x${(char.codePointAt(0) ?? 0).toString(16)};`);
}

/** Attributes whose value is a URL the browser may navigate to or load. */
const URL_ATTRIBUTES = new Set([
  'action',
  'background',
  'cite',
  'data',
  'formaction',
  'href',
  'icon',
  'manifest',
  'ping',
  'poster',
  'src',
  'xlink:href',
]);

/** What an unsafe URL is replaced by: inert, and recognisable when debugging. */
export const UNSAFE_URL = 'about:invalid#fanout-unsafe-url';

/** `javascript:`, `vbscript:` and non-image `data:` URLs, as browsers parse the scheme (controls and spaces ignored). */
function isUnsafeURL(url: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers strip these from a URL's scheme.
  const compact = url.replace(/[\u0000-\u0020]/g, '').toLowerCase();
  if (compact.startsWith('javascript:') || compact.startsWith('vbscript:')) return true;
  return compact.startsWith('data:') && !/^data:image\/(?:png|gif|jpeg|webp|avif);/.test(compact);
}

/** Event handlers and `srcdoc` take script or markup: no escaping makes text safe there. */
function isCodeAttribute(name: string): boolean {
  return name.startsWith('on') || name === 'srcdoc';
}

/** The markup of one interpolated value in its context. */
function interpolate(value: unknown, context: HoleContext): string {
  if (isHTML(value)) return value.html;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map((item) => interpolate(item, context)).join('');
  const text = String(value);
  switch (context.kind) {
    case 'text':
      return escapeHTML(text);
    case 'attribute':
    case 'unquoted':
      return attributeValue(text, context);
    case 'tag':
      if (typeof value === 'number') return text;
      throw new UnsafeTemplateError(
        `Refused to interpolate ${JSON.stringify(text)} inside a tag, where it would become attributes; wrap trusted markup in raw()`,
      );
    case 'script':
      throw new UnsafeTemplateError(
        `Refused to interpolate ${JSON.stringify(text)} inside <${context.element}>, where escaping does not apply; wrap trusted code in raw()`,
      );
  }
}

function attributeValue(
  text: string,
  context: Extract<HoleContext, { kind: 'attribute' | 'unquoted' }>,
): string {
  if (isCodeAttribute(context.name)) {
    throw new UnsafeTemplateError(
      `Refused to interpolate ${JSON.stringify(text)} into the ${context.name} attribute, which holds code; wrap trusted code in raw()`,
    );
  }
  const safe =
    context.isValueStart && URL_ATTRIBUTES.has(context.name) && isUnsafeURL(text)
      ? UNSAFE_URL
      : text;
  return context.kind === 'unquoted' ? escapeUnquoted(safe) : escapeHTML(safe);
}

/**
 * A tagged template for HTML that escapes every interpolation for where it lands, so data can
 * never inject markup or script:
 *
 * - in text and quoted attributes, `& < > " '` become character references; in an unquoted
 *   attribute every non-alphanumeric character does;
 * - a URL attribute (`href`, `src`, `action`, …) whose value starts with a `javascript:`,
 *   `vbscript:` or non-image `data:` URL gets `about:invalid#fanout-unsafe-url` instead;
 * - text inside a tag (attribute position), inside `<script>`/`<style>`, or in an `on*` or
 *   `srcdoc` attribute is refused with {@link UnsafeTemplateError};
 * - arrays are joined (each item escaped), `null`, `undefined` and `false` render nothing,
 *   numbers render as is; nested `html` results and {@link raw} markup are inserted unescaped.
 *
 * @throws {UnsafeTemplateError} for text in a context where escaping cannot make it safe.
 * @throws {InvalidOptionError} when called as a function rather than as a tag.
 * @example
 * ```ts
 * import { html } from 'fanout';
 *
 * const items = [{ url: '/p/1', name: 'Tea <b>' }];
 * html`<ul>${items.map((item) => html`<li><a href="${item.url}">${item.name}</a></li>`)}</ul>`;
 * // <ul><li><a href="/p/1">Tea &lt;b&gt;</a></li></ul>
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: readonly unknown[]): HTML {
  if (!Array.isArray(strings) || !Array.isArray((strings as { raw?: unknown }).raw)) {
    throw new InvalidOptionError(
      `html is a template tag (html\`<p>\${text}</p>\`), not a function: got ${describe(strings)}`,
    );
  }
  const contexts = holeContexts(strings);
  let markup = strings[0] ?? '';
  for (let index = 0; index < values.length; index++) {
    markup += interpolate(values[index], contexts[index] ?? { kind: 'text' });
    markup += strings[index + 1] ?? '';
  }
  return new HTML(markup);
}
