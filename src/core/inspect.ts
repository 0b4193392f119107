/**
 * How fanout's objects print under `console.log` and `util.inspect`: one short line — a head that
 * names the object (`Future <running> GET http://…`) and its fields in braces — broken into one
 * field a line only when the fields are longer than `breakLength` or one spans lines. Every class's
 * `[inspect.custom]` builds its line here, so they honour `depth` and `stylize` alike. The
 * callers pass URLs through `redact.ts` first; nothing here sees a header or a body.
 *
 * @internal
 */

import type { InspectOptionsStylized, inspect as nodeInspect } from 'node:util';

/** `util.inspect` as Node hands it to a `[inspect.custom]` method. */
export type Inspect = typeof nodeInspect;

/** A field value already formatted (and styled): printed as it is, not through `inspect`. */
export class Shown {
  /** The text to print. */
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

/** A field's value; `undefined` leaves the field out. */
export type Fields = Readonly<Record<string, unknown>>;

/**
 * `head { name: value, … }`: each value through `inspect` one level deeper (a {@link Shown} as
 * it is), on one line while the braces fit `options.breakLength` (the head, which may hold a
 * long URL, is not counted), else one field a line. Past the depth (`depth < 0`), just
 * `[head]`, as Node prints a nested object it does not descend into.
 */
export function inspectLine(
  head: string,
  fields: Fields,
  depth: number | null,
  options: InspectOptionsStylized,
  inspect: Inspect,
): string {
  if (depth !== null && depth < 0) return options.stylize(`[${head}]`, 'special');
  const nested = { ...options, depth: depth === null ? null : depth - 1 };
  const parts: string[] = [];
  for (const name of Object.keys(fields)) {
    const value = fields[name];
    if (value === undefined) continue;
    const text = value instanceof Shown ? value.text : inspect(value, nested);
    parts.push(`${name}: ${text}`);
  }
  if (parts.length === 0) return head;
  const braces = `{ ${parts.join(', ')} }`;
  if (braces.length <= (options.breakLength ?? 80) && !braces.includes('\n')) {
    return `${head} ${braces}`;
  }
  return `${head} {\n${parts.map((part) => `  ${part.replaceAll('\n', '\n  ')}`).join(',\n')}\n}`;
}

/** A duration in milliseconds, as `12.3 ms` (to a tenth), styled as a number. */
export function milliseconds(ms: number, options: InspectOptionsStylized): Shown {
  return new Shown(options.stylize(`${Math.round(ms * 10) / 10} ms`, 'number'));
}

/**
 * An error in one line, without its stack: `TimeoutError [FANOUT_TIMEOUT]: Timed out …` (the
 * `code` when it has a string one). fanout's messages are redacted when the error is built.
 */
export function errorLine(
  error: unknown,
  options: InspectOptionsStylized,
  inspect: Inspect,
): Shown {
  if (!(error instanceof Error)) return new Shown(inspect(error, { ...options, depth: 0 }));
  const { code } = error as { code?: unknown };
  const name = typeof code === 'string' ? `${error.name} [${code}]` : error.name;
  return new Shown(`${name}: ${error.message}`);
}
