import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { TimeoutError } from '../../src/errors/timeout-error.ts';
import { type AttemptObserver, addObserverSource } from '../../src/http/observer.ts';

const ATTEMPT: AttemptObserver = {
  dispatched() {},
  sent() {},
  headers() {},
  ended() {},
};

/**
 * The errors every session call made from now on until `t` ends ended with, in the order they
 * ended: what a trace records of each (its outcome and code come from this error), in full.
 */
export function callErrors(t: Pick<TestContext, 'after'>): unknown[] {
  const errors: unknown[] = [];
  const installed = addObserverSource(() => ({
    started() {},
    asked() {},
    bind() {},
    attempt: () => ATTEMPT,
    ended(_response, error) {
      if (error !== undefined) errors.push(error);
    },
  }));
  t.after(() => installed.dispose());
  return errors;
}

/**
 * Asserts that `errors` (from {@link callErrors}) hold one error, the one a request cut by a
 * deadline ends with: a TimeoutError of phase `deadline`, due at `dueAt`.
 */
export function assertCutByDeadline(errors: readonly unknown[], dueAt: number | undefined): void {
  const [cut] = errors;
  assert.equal(errors.length, 1);
  assert.ok(cut instanceof TimeoutError, String(cut));
  assert.equal(cut.phase, 'deadline');
  assert.equal(cut.dueAt, dueAt);
}
