/**
 * What the unknown-option tests of every layer share: an options object with every key of a
 * type, held to the entry point's registry both ways, and the matcher of the error a typo gets.
 */
import assert from 'node:assert/strict';
import type { KnownOptions } from '../../src/core/validate.ts';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.ts';

/**
 * Every key of `T`, each given (the compiler lists them: a key added to `T` is missing here until
 * the test gives it) with a valid value; the keys `Unset` are given as `undefined`, for an option
 * whose value would change what the test runs (a TLS file, a proxy, a session to wrap).
 */
export type EveryKey<T, Unset extends keyof T = never> = {
  [K in keyof T]-?: K extends Unset ? undefined : T[K];
};

/**
 * Asserts that `every` (the test's literal list of an entry point's keys) and the registry the
 * entry point checks against name the same keys: a key dropped from the registry, or added to it
 * without a test giving it, fails here.
 */
export function assertSameKeys(known: KnownOptions, every: object): void {
  assert.deepEqual(
    Object.keys(every).sort(),
    [...known.names].sort(),
    `the keys given for ${known.where} are those of its registry`,
  );
}

/** Matches the error of an unknown option: its class (an InvalidOptionError unless said) and message. */
export function unknownOption(
  message: string,
  type: abstract new (...args: never[]) => Error = InvalidOptionError,
) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  };
}
