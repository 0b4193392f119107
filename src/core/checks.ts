import { fail } from '../core/validate.ts';

/**
 * Checks that `value` is a finite number greater than zero (or `>= 0` when `allowZero`).
 * @throws {InvalidOptionError} naming the option and the value received.
 */
export function checkPositiveNumber(name: string, value: unknown, allowZero = false): number {
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
 * Checks that `value` is an integer `>= min`.
 * @throws {InvalidOptionError} naming the option and the value received.
 */
export function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(name, `an integer >= ${min}`, value);
  }
  return value;
}

/** Checks that `value` is a boolean. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    fail(name, 'a boolean', value);
  }
  return value;
}

/** Checks that `value` is a function. */
export function checkFunction<F>(name: string, value: unknown): F {
  if (typeof value !== 'function') {
    fail(name, 'a function', value);
  }
  return value as F;
}
