/**
 * What an adaptive limit algorithm sees of one finished request, and what it must offer. Pure:
 * no timers, no I/O; times come from the adaptive limit's clock, so tests feed samples directly.
 *
 * @internal
 */

import type { LimitReason } from '../../trace/limit-change.ts';

/** One finished request of an origin. Times are milliseconds on the adaptive limit's clock. */
export interface LimitSample {
  /** When the request started (got its slot in the executor). */
  readonly startedAt: number;
  /** When it finished: now. */
  readonly finishedAt: number;
  /** Requests of the origin running when it started, itself included. */
  readonly inflight: number;
  /** Whether it failed in a way that means the origin is overloaded (see `isOverload`). */
  readonly didDrop: boolean;
}

/** One origin's limit, adjusted sample by sample. */
export interface LimitAlgorithm {
  /** The limit now: an integer between the algorithm's `min` and `max`. */
  readonly limit: number;
  /** Learns from one sample; returns why the limit moved (even by less than one), if it did. */
  update(sample: LimitSample): LimitReason | undefined;
}

/**
 * The integer part of a limit estimate, forgiving the rounding of sums of fractions (ten steps of
 * 1/10 make 0.9999999999999999, not 1).
 */
export function wholeLimit(estimate: number): number {
  return Math.floor(estimate + 1e-9);
}
