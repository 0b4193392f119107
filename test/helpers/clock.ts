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
