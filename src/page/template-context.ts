/**
 * Where each interpolation of an `html` template lands, found by scanning the template's static
 * parts once (the result is cached per call site: a template's strings array is the same object
 * on every call). Pure: no I/O, no values.
 *
 * @internal
 */

/**
 * The context of one hole:
 * - `text`: element content, a comment, or `<title>`/`<textarea>` text — entity escaping is safe;
 * - `attribute`: a quoted attribute value; `name` is the attribute, `isValueStart` whether nothing
 *   static precedes the hole in the value (a URL's scheme would come from the hole);
 * - `unquoted`: an unquoted attribute value (`<a href=${x}>`) — every non-alphanumeric character
 *   must become a character reference, or a space would start a new attribute;
 * - `tag`: inside a tag, where text would become attributes;
 * - `script`: inside `<script>` or `<style>`, where entities are not decoded.
 */
export type HoleContext =
  | { readonly kind: 'text' }
  | { readonly kind: 'attribute'; readonly name: string; readonly isValueStart: boolean }
  | { readonly kind: 'unquoted'; readonly name: string; readonly isValueStart: boolean }
  | { readonly kind: 'tag' }
  | { readonly kind: 'script'; readonly element: string };

/** The scanner's state between two characters of the static text. */
type State =
  | { kind: 'text' }
  | { kind: 'comment' }
  | { kind: 'raw'; element: string }
  | { kind: 'tag-name'; name: string; isClosing: boolean }
  | { kind: 'tag'; element: string }
  | { kind: 'attribute-name'; element: string; name: string }
  | { kind: 'after-attribute-name'; element: string; name: string }
  | { kind: 'before-value'; element: string; name: string }
  | { kind: 'quoted'; element: string; name: string; quote: string; isValueStart: boolean }
  | { kind: 'unquoted'; element: string; name: string; isValueStart: boolean };

/** Elements whose content is not parsed as HTML (and where entities are not decoded, for the first two). */
const RAW_ELEMENTS = new Set(['script', 'style', 'textarea', 'title']);
const SCRIPT_ELEMENTS = new Set(['script', 'style']);
const TEXT: State = { kind: 'text' };

const isSpace = (char: string) =>
  char === ' ' || char === '\n' || char === '\t' || char === '\f' || char === '\r';
const isLetter = (char: string) => /^[A-Za-z]$/.test(char);

const cache = new WeakMap<TemplateStringsArray, readonly HoleContext[]>();

/** The context of every hole of a template (one fewer than its static parts). */
export function holeContexts(strings: TemplateStringsArray): readonly HoleContext[] {
  let contexts = cache.get(strings);
  if (contexts === undefined) {
    contexts = scan(strings);
    cache.set(strings, contexts);
  }
  return contexts;
}

function scan(strings: readonly string[]): HoleContext[] {
  const contexts: HoleContext[] = [];
  let state: State = TEXT;
  for (let index = 0; index < strings.length; index++) {
    state = scanText(strings[index] ?? '', state);
    if (index === strings.length - 1) break;
    contexts.push(contextOf(state));
    state = afterHole(state);
  }
  return contexts;
}

function contextOf(state: State): HoleContext {
  switch (state.kind) {
    case 'text':
    case 'comment':
      return { kind: 'text' };
    case 'raw':
      return SCRIPT_ELEMENTS.has(state.element)
        ? { kind: 'script', element: state.element }
        : { kind: 'text' };
    case 'quoted':
      return { kind: 'attribute', name: state.name, isValueStart: state.isValueStart };
    case 'before-value':
      return { kind: 'unquoted', name: state.name, isValueStart: true };
    case 'unquoted':
      return { kind: 'unquoted', name: state.name, isValueStart: state.isValueStart };
    default:
      return { kind: 'tag' };
  }
}

/** A hole's value is opaque text: it moves a value from its start, and ends nothing. */
function afterHole(state: State): State {
  if (state.kind === 'quoted') return { ...state, isValueStart: false };
  if (state.kind === 'before-value' || state.kind === 'unquoted') {
    return { kind: 'unquoted', element: state.element, name: state.name, isValueStart: false };
  }
  return state;
}

function scanText(text: string, initial: State): State {
  let state = initial;
  for (let index = 0; index < text.length; index++) {
    state = step(state, text, index);
  }
  return state;
}

/** The state after the character at `index` (looking ahead where HTML's tokenizer does). */
function step(state: State, text: string, index: number): State {
  const char = text[index] ?? '';
  switch (state.kind) {
    case 'text':
      if (char !== '<') return state;
      if (text.startsWith('<!--', index)) return { kind: 'comment' };
      return openTag(text, index) ?? state;
    case 'comment':
      return char === '>' && text.slice(index - 2, index) === '--' ? TEXT : state;
    case 'raw': {
      const closing = `</${state.element}`;
      return text.slice(index, index + closing.length).toLowerCase() === closing
        ? { kind: 'tag-name', name: '', isClosing: true }
        : state;
    }
    case 'tag-name':
      if (char === '/' && state.isClosing && state.name === '') return state;
      if (char === '>') return endTag(state.name, state.isClosing);
      if (isSpace(char) || char === '/') return { kind: 'tag', element: elementOf(state) };
      return { ...state, name: state.name + char.toLowerCase() };
    case 'tag':
      if (char === '>') return endTag(state.element, false);
      if (isSpace(char) || char === '/') return state;
      return { kind: 'attribute-name', element: state.element, name: char.toLowerCase() };
    case 'attribute-name':
      if (char === '>') return endTag(state.element, false);
      if (char === '=') return { kind: 'before-value', element: state.element, name: state.name };
      if (isSpace(char) || char === '/') return { ...state, kind: 'after-attribute-name' };
      return { ...state, name: state.name + char.toLowerCase() };
    case 'after-attribute-name':
      if (char === '>') return endTag(state.element, false);
      if (char === '=') return { kind: 'before-value', element: state.element, name: state.name };
      if (isSpace(char) || char === '/') return state;
      return { kind: 'attribute-name', element: state.element, name: char.toLowerCase() };
    case 'before-value':
      if (isSpace(char)) return state;
      if (char === '>') return endTag(state.element, false);
      if (char === '"' || char === "'") {
        return { ...state, kind: 'quoted', quote: char, isValueStart: true };
      }
      return { ...state, kind: 'unquoted', isValueStart: false };
    case 'quoted':
      if (char === state.quote) return { kind: 'tag', element: state.element };
      return state.isValueStart ? { ...state, isValueStart: false } : state;
    case 'unquoted':
      if (char === '>') return endTag(state.element, false);
      return isSpace(char) ? { kind: 'tag', element: state.element } : state;
  }
}

/** `<name` or `</name` opens a tag; a `<` followed by anything else is text. */
function openTag(text: string, index: number): State | undefined {
  const isClosing = text[index + 1] === '/';
  const first = text[index + (isClosing ? 2 : 1)] ?? '';
  // A hole right after `<` (`<${tag}>`) is inside a tag as far as safety goes.
  if (first === '' || isLetter(first)) return { kind: 'tag-name', name: '', isClosing };
  return undefined;
}

function elementOf(state: { name: string; isClosing: boolean }): string {
  return state.isClosing ? '' : state.name;
}

/** The end of a tag: the content of a raw-text element, or text. */
function endTag(element: string, isClosing: boolean): State {
  if (!isClosing && RAW_ELEMENTS.has(element)) return { kind: 'raw', element };
  return TEXT;
}
