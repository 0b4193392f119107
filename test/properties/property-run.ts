import { after, type TestContext } from 'node:test';
import type fc from 'fast-check';
import { isFanoutError } from '../../src/index.ts';

/**
 * The seed of every property: fixed, so `npm test` is repeatable; set `FANOUT_PROPERTY_SEED` to
 * explore others. A failure prints the seed and the counterexample's path, to replay it with
 * `{ seed, path }`.
 */
export const SEED = Number(process.env.FANOUT_PROPERTY_SEED ?? 20_261_213);

/**
 * `fc.assert` parameters for one property: the shared seed, `numRuns` runs, and a time limit
 * (`ms`) after which fast-check stops starting new runs (and shrinking), so the folder stays within
 * its budget on a loaded machine. Reaching the limit is not a failure.
 */
export function runs<T>(numRuns: number, ms: number): fc.Parameters<T> {
  return { seed: SEED, numRuns, interruptAfterTimeLimit: ms, includeErrorInReport: true };
}

/**
 * Collects every `unhandledRejection` from now until `t` ends, when the test fails if there was
 * one. Call it first thing in a test.
 */
export function watchUnhandledRejections(t: Pick<TestContext, 'after'>): readonly unknown[] {
  const seen: unknown[] = [];
  const record = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', record);
  t.after(() => {
    process.off('unhandledRejection', record);
    if (seen.length > 0) throw new Error(`unhandledRejection: ${String(seen[0])}`);
  });
  return seen;
}

/** What a call did: resolved with a value, or rejected with a typed fanout error. */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: string; readonly error: Error };

/**
 * Runs `call` and returns its {@link Outcome}; anything thrown that is not a `FanoutError`
 * (a `TypeError`, a string) is rethrown, so the property fails on it.
 */
export async function outcomeOf<T>(call: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (isFanoutError(error)) return { ok: false, code: error.code, error };
    throw error;
  }
}

/**
 * The file's own scope for helpers that take a test context: what they register runs once, after
 * every test of the file (one loopback server per file, not one per run).
 */
export const fileScope: Pick<TestContext, 'after'> = {
  after: (fn, options) => after(fn as () => unknown, options),
};
