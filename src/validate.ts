/**
 * The shape of every option error: "Expected `maxWorkers` to be a positive integer, got 0
 * (number)". Each layer keeps its own checkers and builds its messages with {@link fail}.
 *
 * @internal
 */

import { InvalidOptionError } from './errors/invalid-option-error.ts';

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
