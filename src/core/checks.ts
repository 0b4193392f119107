/**
 * The option checkers every layer shares. Each takes the option's name, the value received, then
 * what the value must be (when the checker has a choice), then a `fallback` used when the value is
 * `undefined` — only then: a `null` is checked, and refused, instead of silently taking the
 * default. Each throws an {@link InvalidOptionError} in the shape of {@link fail}: "Expected
 * `maxWorkers` to be a positive integer, got 0 (number)".
 *
 * @internal
 */

import { fail } from './validate.ts';

/**
 * The integers an option accepts, with the words its messages use. The library has two wordings
 * for a lower bound, both part of messages users see: `an integer >= 1` (a number given as
 * `range`: the session's and the resilience options) and `a positive integer` (the executor's,
 * with the ranges below).
 */
export interface IntegerRange {
  readonly min: number;
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
 * Checks that `value` is a finite number greater than zero (or `>= 0` when `allowZero`).
 * @throws {InvalidOptionError} naming the option and the value received.
 */
export function checkPositiveNumber(
  name: string,
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
  name: string,
  value: unknown,
  range: number | IntegerRange,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const min = typeof range === 'number' ? range : range.min;
  const ok =
    typeof value === 'number' &&
    value >= min &&
    (Number.isInteger(value) ||
      (typeof range !== 'number' && range.orInfinity && value === Number.POSITIVE_INFINITY));
  if (!ok) fail(name, typeof range === 'number' ? `an integer >= ${min}` : range.expected, value);
  return value as number;
}

/** A timeout in milliseconds: `undefined` (none), or a number >= 0 (`Infinity` means none). */
export function checkTimeout(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0)) {
    fail(name, 'a non-negative number of milliseconds', value);
  }
  return value;
}

/** Checks that `value` is a boolean. */
export function checkBoolean(name: string, value: unknown, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}

/** Checks that `value` is a function, such as a task, a hook or a callback. */
export function checkFunction<F>(name: string, value: F | undefined, fallback?: F): F {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'function') fail(name, 'a function', value);
  return value;
}

/** A priority: any number but `NaN` (which has no order); `0` for `undefined`. */
export function checkPriority(name: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || Number.isNaN(value)) fail(name, 'a number', value);
  return value;
}

/** An `AbortSignal`, or `undefined`. */
export function checkSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) fail(name, 'an AbortSignal', value);
  return value;
}
