import { performance } from 'node:perf_hooks';
import type { TestContext } from 'node:test';

/** Which of two timers set for the same deadline a test makes fire first. */
export type TimerOrder = 'request timer first' | 'step timer first';

/**
 * Moves `performance.now()` (the clock every deadline is computed on) `ms` ahead of the real one
 * from now on, until `t` ends. A timer armed for a deadline after the shift waits `ms` less than
 * one armed for it before; so, with `mock.timers` on, a test decides which of two timers set for
 * the same deadline fires first: a jump ahead makes the later-armed one (a request's, armed when
 * the request is made) fire first, a jump back makes it fire after the earlier-armed one (a flow
 * step's or page section's, armed at the start).
 */
export function shiftClock(t: TestContext, ms: number): void {
  const real = performance.now.bind(performance);
  t.mock.method(performance, 'now', () => real() + ms);
}

/** The shift that makes `order` happen, when the request is made after the shift. */
export function shiftFor(order: TimerOrder): number {
  return order === 'request timer first' ? 1_000 : -1_000;
}

/**
 * Stops `performance.now()` (the clock every deadline is computed on) where it is, until `t`
 * ends. node:test's `mock.timers` fakes `setTimeout` but not that clock, so real time still runs
 * between the moment a deadline is set and the moment a timer is armed for it, and a loaded
 * machine can make that long (the first request of a process loads modules, for one): a request
 * finds a 50 ms flow deadline already passed and fails unsent, or a queue's timer is armed for
 * less than the tick a test counts on. With the clock stopped, a timer for a deadline waits
 * exactly the deadline's budget wherever it is armed, and only ticks pass it. A test that needs
 * the clock to read a deadline as passed moves it with the result's `advance`.
 */
export function freezeClock(t: TestContext): StoppedClock {
  let frozen = performance.now();
  t.mock.method(performance, 'now', () => frozen);
  return {
    advance(ms) {
      frozen += ms;
    },
  };
}

/** A `performance.now()` stopped by {@link freezeClock}: it moves only when a test moves it. */
export interface StoppedClock {
  /** Moves the clock `ms` ahead (as a test ticks `mock.timers` by as much). */
  advance(ms: number): void;
}
