/**
 * Validators for options and arguments. Each throws an {@link InvalidOptionError} whose message
 * says what was expected and what was received: "Expected `maxWorkers` to be a positive integer,
 * got 0 (number)".
 *
 * @internal
 */

import { fail } from '../core/validate.ts';

/** An integer >= `min` (`Infinity` too when `allowInfinity`), or `fallback` for `undefined`. */
export function expectInteger(
  name: string,
  value: unknown,
  fallback: number,
  min: 0 | 1,
  allowInfinity: boolean,
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    value >= min &&
    (Number.isInteger(value) || (allowInfinity && value === Number.POSITIVE_INFINITY));
  if (!ok) {
    const base = min === 1 ? 'a positive integer' : 'a non-negative integer';
    fail(name, allowInfinity ? `${base} or Infinity` : base, value);
  }
  return value;
}

/** A timeout in milliseconds: `undefined` (none), or a number >= 0 (`Infinity` means none). */
export function expectTimeout(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0)) {
    fail(name, 'a non-negative number of milliseconds', value);
  }
  return value;
}

/** A function, such as a task or a callback. */
export function expectFunction<F extends (...args: never[]) => unknown>(name: string, value: F): F {
  if (typeof value !== 'function') fail(name, 'a function', value);
  return value;
}

/** A boolean flag, or `undefined` for its default. */
export function expectBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}

/** A task priority: any number but `NaN` (which has no order); `0` for `undefined`. */
export function expectPriority(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || Number.isNaN(value)) fail('priority', 'a number', value);
  return value;
}

/** An `AbortSignal`, or `undefined`. */
export function expectSignal(value: unknown): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal))
    fail('signal', 'an AbortSignal', value);
  return value;
}
