/**
 * The shape of every option error: "Expected `maxWorkers` to be a positive integer, got 0
 * (number)". Each layer keeps its own checkers and builds its messages with {@link fail}.
 *
 * @internal
 */

import { InvalidOptionError } from '../errors/invalid-option-error.ts';

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

/** Throws the standard "Expected `name` to be …, got …" error. */
export function fail(name: string, expected: string, value: unknown): never {
  throw new InvalidOptionError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
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
