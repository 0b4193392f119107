/**
 * The shape of every option error: "Expected `maxWorkers` to be a positive integer, got 0
 * (number)". The checkers of `checks.ts` and each layer's checks of its own kinds of value build
 * their messages with {@link fail}; a definition that reports its own error class (a page's)
 * restates them with {@link restated}.
 *
 * @internal
 */

import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import { closestName } from './did-you-mean.ts';
import { keySet } from './exhaustive.ts';

/** `0 (number)`, `"8" (string)`, `null (null)`, `[object Object] (object)`. */
export function describe(value: unknown): string {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const shown = typeof value === 'string' ? JSON.stringify(value) : safeString(value);
  return `${shown} (${type})`;
}

/** `String(value)`, or its tag when it has no string form (e.g. `Object.create(null)`). */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * How a message names an option: its key, shown in backticks (`'maxWorkers'` → "`maxWorkers`"),
 * or a phrase shown as it is, for an option of something the caller named
 * (`{ phrase: '`deadline` of step `orders`' }`).
 */
export type OptionName = string | { readonly phrase: string };

/** Throws the standard "Expected `name` to be …, got …" error. */
export function fail(name: OptionName, expected: string, value: unknown): never {
  const named = typeof name === 'string' ? `\`${name}\`` : name.phrase;
  throw new InvalidOptionError(`Expected ${named} to be ${expected}, got ${describe(value)}`);
}

/**
 * Runs `check` and returns its result; an {@link InvalidOptionError} it throws is restated for a
 * definition that reports its own errors: "Expected `late` to be …" becomes the error `restate`
 * makes of "`where`: expected `late` to be …", with the original as its `cause`.
 *
 * @example
 * <!-- fragment: internal: the module is not exported from `fanout`; `value` is the option read
 * import { PageDefinitionError } from 'fanout';
 * import { checkOneOf } from '#src/core/checks';
 * import { restated } from '#src/core/validate';
 * declare const value: unknown;
 * const STREAM_MODES = ['in-order', 'out-of-order'];
 * -->
 * ```ts
 * restated('Page', (message, cause) => new PageDefinitionError(message, { cause }), () =>
 *   checkOneOf('mode', value, STREAM_MODES),
 * );
 * ```
 */
export function restated<T>(
  where: string,
  restate: (message: string, cause: InvalidOptionError) => Error,
  check: () => T,
): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    const { message } = error;
    const said = message.startsWith('Expected ') ? `e${message.slice(1)}` : message;
    throw restate(`${where}: ${said}`, error);
  }
}

/**
 * `options[key]` when `options` has it as an own property, else `undefined`: a key inherited
 * from a prototype (a polluted `Object.prototype` above all) is never an option; no options
 * (`undefined`, `null`) read as none. A getter that throws fails as {@link readOption} says,
 * naming the key under `name`. Allocates nothing, for the options read on every request.
 */
export function own<T extends object, K extends keyof T & string>(
  options: T | null | undefined,
  key: K,
  name = 'options',
): T[K] | undefined {
  if (options == null) return undefined;
  const value = readOption(options, key, name) as T[K];
  // Most options are absent: a plain read says so; only a value found is checked for being own.
  return value === undefined || Object.hasOwn(options, key) ? value : undefined;
}

/**
 * {@link own} for the hot path: `value` is `options[key]`, read at the call site (where V8 caches
 * the property's place, which a read inside `own` cannot: it sees every key). An absent option
 * costs that read alone; a value found is kept only if it is an own property.
 *
 * @example
 * <!-- fragment: internal: the module is not exported from `fanout`; `options` is the caller's
 * import type { RequestOptions } from 'fanout';
 * import { ownValue } from '#src/core/validate';
 * declare const options: RequestOptions;
 * -->
 * ```ts
 * const headers = ownValue(options, 'headers', options.headers);
 * ```
 */
export function ownValue<T>(
  options: object | null | undefined,
  key: string,
  value: T,
): T | undefined {
  // A value found means `options` is an object: `Object.hasOwn` never sees `undefined`.
  return value === undefined || Object.hasOwn(options as object, key) ? value : undefined;
}

/**
 * The options a caller gave, read once at the boundary: their own enumerable properties copied
 * into an object without a prototype, so nothing inherited (a polluted `Object.prototype` above
 * all) is ever read as an option, and every later read, `in` check or spread of the snapshot
 * sees the caller's keys only. Each own getter is called once; one that throws fails with an
 * {@link InvalidOptionError} naming the option. A value that is not an options object (`undefined`,
 * a number, a function, an array) is returned as it is, for the caller's own checks.
 *
 * @param name how the options are named in messages: `options`, `retry`, `timeout`…
 */
export function ownOptions<T>(value: T, name = 'options'): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const snapshot = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) snapshot[key] = readOption(value, key, name);
  return snapshot as T;
}

/**
 * The option names one entry point accepts, declared once from its typed registry (a map checked
 * with `satisfies Exhaustive<XOptions, …>`, so an option added to `XOptions` cannot be missing
 * here), with where they are read for messages. Made once per entry point, at module load.
 */
export interface KnownOptions {
  /** Where the options are read, for messages: `session options`, `Retry options`. */
  readonly where: string;
  /** Every accepted name. */
  readonly names: ReadonlySet<string>;
  /** `true` for every accepted name, without a prototype: the fastest lookup for a hot loop. */
  readonly isKnown: Readonly<Record<string, true>>;
  /** Names that are not options here but are elsewhere, with where: `baseURL` → `session options`. */
  readonly elsewhere: ReadonlyMap<string, string>;
}

/**
 * The {@link KnownOptions} of the registry `known` (its keys), read as `where`. `elsewhere` lists
 * registries of related entry points: a name of theirs that is not one of `known` is still
 * unknown here, but its message says where it belongs.
 *
 * @example
 * <!-- fragment: internal: the module is not exported from `fanout`
 * import type { Exhaustive } from '#src/core/exhaustive';
 * import { knownOptions } from '#src/core/validate';
 * -->
 * ```ts
 * interface PollOptions {
 *   interval?: number;
 *   limit?: number;
 * }
 * const KNOWN = knownOptions('Poll options', {
 *   interval: true,
 *   limit: true,
 * } satisfies Exhaustive<PollOptions, true>);
 * ```
 */
export function knownOptions(
  where: string,
  known: object,
  elsewhere: readonly KnownOptions[] = [],
): KnownOptions {
  const names = keySet(known);
  const others = new Map<string, string>();
  for (const other of elsewhere) {
    for (const name of other.names) if (!names.has(name)) others.set(name, other.where);
  }
  const isKnown = Object.create(null) as Record<string, true>;
  for (const name of names) isKnown[name] = true;
  return { where, names, isKnown, elsewhere: others };
}

/**
 * Throws for the first own enumerable string key of `options` that is not one of `known`: a typo
 * (`timout`) or an option of another entry point is an error, never silently ignored. Inherited
 * keys are not options (see {@link own}) and symbol keys are never option names: both are let
 * through. Not an object (`undefined`, a number): nothing to check, for the caller's own checks.
 * A tight loop over the keys that allocates nothing while every key is known, for the options
 * of every request.
 *
 * @param onUnknown throws for an unknown key instead, for an entry point with its own error class
 * or a `where` known only at run time (a step's or a page section's name).
 * @throws {InvalidOptionError} `Unknown option "timout" in session options — did you mean "timeout"?`
 */
export function checkKnownOptions(
  options: unknown,
  known: KnownOptions,
  onUnknown?: (key: string) => never,
): void {
  if (typeof options !== 'object' || options === null) return;
  // for…in walks the keys without the array Object.keys makes; an inherited one is skipped.
  for (const key in options) {
    if (known.isKnown[key] !== true && Object.hasOwn(options, key)) {
      onUnknown?.(key);
      throw new InvalidOptionError(unknownOptionMessage(key, known));
    }
  }
}

/**
 * `holder[key]`, read once, for a value fanout checks and then uses (an option, a header of a
 * `headers` record, an item of an array): a getter that throws fails with an
 * {@link InvalidOptionError} naming the value (`headers.x-id`, `retry.methods[1]`, or the key
 * alone under `options`), the getter's error as its `cause`. Allocates nothing unless it throws.
 * Read a value once and keep what was read: a getter read again may answer differently, unchecked.
 *
 * @param name the option `holder` is (`options` for the top level): how messages name it.
 */
export function readOption(holder: object, key: string | number, name: string): unknown {
  try {
    return (holder as Record<string | number, unknown>)[key];
  } catch (error) {
    const path =
      typeof key === 'number' ? `${name}[${key}]` : name === 'options' ? key : `${name}.${key}`;
    throw new InvalidOptionError(`Reading \`${path}\` threw: ${safeString(error)}`, {
      cause: error,
    });
  }
}

/**
 * `Unknown option "timout" in session options — did you mean "timeout"?`, or `… — it is one of
 * the session options` for an option of another entry point, or `… — did you mean "json", one
 * of the request options?` for a typo of one, or no hint when none is near.
 *
 * @param where where the options were read, when it is not `known.where`: `options of step "a"`.
 */
export function unknownOptionMessage(
  key: string,
  known: KnownOptions,
  where = known.where,
): string {
  const unknown = `Unknown option ${JSON.stringify(key)} in ${where}`;
  const belongs = known.elsewhere.get(key);
  if (belongs !== undefined) return `${unknown} — it is one of the ${belongs}`;
  const closest = closestName(key, known.names);
  if (closest !== undefined) return `${unknown} — did you mean ${JSON.stringify(closest)}?`;
  // A typo of an option of a related entry point: name it, and where it belongs.
  const other = closestName(key, known.elsewhere.keys());
  return other === undefined
    ? unknown
    : `${unknown} — did you mean ${JSON.stringify(other)}, one of the ${known.elsewhere.get(other)}?`;
}

/**
 * A copy of the array `values` (an option such as `retry.methods` or `hooks.beforeRequest`), each
 * item read once with {@link readOption}: check the copy and keep it, and neither a getter read
 * again nor the caller changing the array later can put an unchecked item in.
 */
export function ownItems(values: readonly unknown[], name: string): unknown[] {
  const items = new Array<unknown>(values.length);
  for (let index = 0; index < values.length; index++) {
    items[index] = readOption(values, index, name);
  }
  return items;
}
