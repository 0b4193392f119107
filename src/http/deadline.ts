import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { fail } from '../core/validate.ts';
import { TimeoutError } from '../errors/timeout-error.ts';

/*
 * Deadline propagation, the HTTP layer's half. A call may belong to a unit of work with a budget
 * of its own (a page that must render in 800 ms, a flow): its deadline. The session applies the
 * sooner of its own `total` timeout and that deadline, so a request never outlives the work it is
 * for, and one made after the deadline passed fails at once (TimeoutError, phase `deadline`).
 *
 * The deadline comes from the `deadline` request option or from the caller's context, which this
 * module owns: the async context's deadline (a later layer's `withDeadline` runs its work through
 * runWithDeadline) and the deadline of the flow step or page section whose code is being called
 * right now (callDueBy). While neither is in use a call costs two variable reads. Both are read
 * when the call is made (for a FuturesSession: when it is submitted), in the caller's context.
 */

// The `performance.now()` time the current async context's work must end by. Created by the
// first runWithDeadline: until then reading it is one variable read.
let deadlines: AsyncLocalStorage<number> | undefined;

// The deadline of the work whose code callDueBy is calling now (synchronously), if any.
let dueNow: number | undefined;

/**
 * Runs `fn` with `deadline` (a `performance.now()` time) as the deadline of its async context and
 * of what it starts: the calls made there end by then. It replaces the context's deadline; the
 * caller passes the sooner of the two to shorten it (see `withDeadline`).
 *
 * @internal
 */
export function runWithDeadline<T>(deadline: number, fn: () => T): T {
  deadlines ??= new AsyncLocalStorage();
  return deadlines.run(deadline, fn);
}

/**
 * The deadline (`performance.now()` time) of the caller's async context (see
 * {@link runWithDeadline}), or `undefined`.
 *
 * @internal
 */
export function contextDeadline(): number | undefined {
  return deadlines?.getStore();
}

/**
 * Calls `fn(a, b, c)` with `dueAt` (a `performance.now()` time) as the deadline of the calls it
 * makes synchronously — the requests a flow step's function or a page section makes take it as
 * they take the context's. Nested, the sooner deadline holds; `undefined` adds none. No closure:
 * the arguments are passed through.
 *
 * @internal
 */
export function callDueBy<A, B, C, T>(
  dueAt: number | undefined,
  fn: (a: A, b: B, c: C) => T,
  a: A,
  b: B,
  c: C,
): T {
  const previous = dueNow;
  dueNow = sooner(previous, dueAt);
  try {
    return fn(a, b, c);
  } finally {
    dueNow = previous;
  }
}

/** The sooner of two optional deadlines (or ms budgets); `undefined` when both are. @internal */
export function sooner(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || (b !== undefined && b < a) ? b : a;
}

/**
 * Whether `error` is a call's {@link TimeoutError} of phase `deadline` (or `rate-limit`, the
 * deadline having passed while the call waited for a rate limit) for a deadline no sooner than
 * `dueAt` (a `performance.now()` time): the call ran until the time of the work it was for (a flow
 * step, a page section due at `dueAt`) was out. Exact, not a reading of the clock: the
 * error carries the deadline it enforced, and a call given the work's deadline enforces that very
 * number. A sooner deadline of its own (`withDeadline`, the `deadline` option) is not the work's.
 *
 * @internal
 */
export function isDeadlineAtOrAfter(error: unknown, dueAt: number): boolean {
  return (
    error instanceof TimeoutError &&
    (error.phase === 'deadline' || error.phase === 'rate-limit') &&
    error.dueAt !== undefined &&
    error.dueAt >= dueAt
  );
}

/**
 * The `performance.now()` time by which a call made now must end: the sooner of the `deadline`
 * option (ms from now, or a `Date`) and the context's; `undefined` when neither is set.
 *
 * @throws {InvalidOptionError} when `option` is not a finite number >= 0 or a valid Date.
 */
export function callDeadline(option: number | Date | undefined): number | undefined {
  const ambient = sooner(deadlines?.getStore(), dueNow);
  return option === undefined ? ambient : sooner(toDeadline(option), ambient);
}

/**
 * `option` as a `performance.now()` time: a number is a budget in ms from now, a `Date` a point
 * in wall-clock time.
 *
 * @throws {InvalidOptionError} when it is neither a finite number >= 0 nor a valid Date.
 */
export function toDeadline(option: unknown, name = 'deadline'): number {
  if (typeof option === 'number' && Number.isFinite(option) && option >= 0) {
    return performance.now() + option;
  }
  if (option instanceof Date && !Number.isNaN(option.getTime())) {
    return performance.now() + (option.getTime() - Date.now());
  }
  return fail(name, 'a finite number >= 0 (ms from now) or a valid Date', option);
}
