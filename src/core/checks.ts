/**
 * The option checkers every layer shares. Each takes the option's name, the value received, then
 * what the value must be (when the checker has a choice), then a `fallback` used when the value is
 * `undefined` — only then: a `null` is checked, and refused, instead of silently taking the
 * default. Each throws an {@link InvalidOptionError} in the shape of {@link fail}: "Expected
 * `maxWorkers` to be a positive integer, got 0 (number)".
 *
 * @internal
 */

import { fail, type OptionName } from './validate.ts';

/**
 * The integers an option accepts, with the words its messages use. The library has two wordings
 * for a lower bound, both part of messages users see: `an integer >= 1` (a number given as
 * `range`: the session's and the resilience options) and `a positive integer` (the executor's,
 * with the ranges below).
 */
export interface IntegerRange {
  readonly min: number;
  /** The highest integer accepted. @default no bound */
  readonly max?: number;
  /** Whether `Infinity` is accepted too (no limit). */
  readonly orInfinity: boolean;
  /** How the message says what was expected. */
  readonly expected: string;
}

/** Integers >= 1. */
export const POSITIVE_INTEGER: IntegerRange = {
  min: 1,
  orInfinity: false,
  expected: 'a positive integer',
};

/** Integers >= 1, or `Infinity`. */
export const POSITIVE_INTEGER_OR_INFINITY: IntegerRange = {
  min: 1,
  orInfinity: true,
  expected: 'a positive integer or Infinity',
};

/** Integers >= 0, or `Infinity`. */
export const NON_NEGATIVE_INTEGER_OR_INFINITY: IntegerRange = {
  min: 0,
  orInfinity: true,
  expected: 'a non-negative integer or Infinity',
};

/**
 * The numbers an option accepts: its bounds, each given as included (`atLeast`, `atMost`) or not
 * (`above`, `below`), and the words its messages use. `NaN` is never accepted; `Infinity` is
 * unless a bound excludes it.
 */
export interface NumberRange {
  readonly above?: number;
  readonly atLeast?: number;
  readonly below?: number;
  readonly atMost?: number;
  /** How the message says what was expected: `a number > 0 and < 1`. */
  readonly expected: string;
}

/**
 * Checks that `value` is a finite number greater than zero (or `>= 0` when `allowZero`).
 * @throws {InvalidOptionError} naming the option and the value received.
 */
export function checkPositiveNumber(
  name: OptionName,
  value: unknown,
  allowZero = false,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    const expected = allowZero ? 'a finite number >= 0' : 'a finite number > 0';
    fail(name, expected, value);
  }
  return value;
}

/**
 * Checks that `value` is an integer in `range`: a number `min` means integers `>= min` ("an
 * integer >= 1"), or one of the ranges above.
 * @throws {InvalidOptionError} naming the option and the value received.
 */
export function checkInteger(
  name: OptionName,
  value: unknown,
  range: number | IntegerRange,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const min = typeof range === 'number' ? range : range.min;
  const ok =
    typeof value === 'number' &&
    value >= min &&
    (typeof range === 'number' || range.max === undefined || value <= range.max) &&
    (Number.isInteger(value) ||
      (typeof range !== 'number' && range.orInfinity && value === Number.POSITIVE_INFINITY));
  if (!ok) fail(name, typeof range === 'number' ? `an integer >= ${min}` : range.expected, value);
  return value as number;
}

/**
 * Checks that `value` is a number in `range`.
 * @throws {InvalidOptionError} naming the option and the value received.
 */
export function checkNumber(
  name: OptionName,
  value: unknown,
  range: NumberRange,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !inRange(value, range)) fail(name, range.expected, value);
  return value;
}

function inRange(value: number, { above, atLeast, below, atMost }: NumberRange): boolean {
  return (
    !Number.isNaN(value) &&
    (above === undefined || value > above) &&
    (atLeast === undefined || value >= atLeast) &&
    (below === undefined || value < below) &&
    (atMost === undefined || value <= atMost)
  );
}

/**
 * Checks that `value` is one of `choices`, which messages list as "'in-order' or 'out-of-order'".
 * @throws {InvalidOptionError} naming the option and the value received.
 */
export function checkOneOf<T extends string>(
  name: OptionName,
  value: unknown,
  choices: readonly T[],
  fallback?: T,
): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (!choices.includes(value as T)) fail(name, listed(choices), value);
  return value as T;
}

/** `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`. */
function listed(choices: readonly string[]): string {
  const quoted = choices.map((choice) => `'${choice}'`);
  const last = quoted.pop();
  return quoted.length === 0 ? `${last}` : `${quoted.join(', ')} or ${last}`;
}

/** A timeout in milliseconds: `undefined` (none), or a number >= 0 (`Infinity` means none). */
export function checkTimeout(name: OptionName, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0)) {
    fail(name, 'a non-negative number of milliseconds', value);
  }
  return value;
}

/** Checks that `value` is a boolean. */
export function checkBoolean(name: OptionName, value: unknown, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}

/** Checks that `value` is a function, such as a task, a hook or a callback. */
export function checkFunction<F>(name: OptionName, value: F | undefined, fallback?: F): F {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'function') fail(name, 'a function', value);
  return value;
}

/** A priority: any number but `NaN` (which has no order); `0` for `undefined`. */
export function checkPriority(name: OptionName, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || Number.isNaN(value)) fail(name, 'a number', value);
  return value;
}

/** An `AbortSignal`, or `undefined`. */
export function checkSignal(name: OptionName, value: unknown): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) fail(name, 'an AbortSignal', value);
  return value;
}
