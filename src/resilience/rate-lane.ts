import { performance } from 'node:perf_hooks';
import { startTimer } from '../core/timers.ts';
import { type Queued, WaiterQueue } from './waiter-queue.ts';

/**
 * The schedule of one key of a rate limit, as {@link RateLimit} uses it: a {@link RateLane} in
 * one process, or a {@link SharedRateLane} whose grants come from a shared store.
 *
 * @internal
 */
export interface Lane {
  /** Requests waiting for their turn. */
  readonly size: number;
  /** Whether the lane is as a new one would be, so it may be dropped. */
  isIdle(now: number): boolean;
  /** The earliest time (`performance.now()` ms) a request may be granted, as far as it knows. */
  nextGrantAt(): number;
  /** Grants a request now if nobody waits and it conforms; whether it did. */
  tryGrant(now: number): boolean;
  /** Queues `waiter`; it is granted (or refused) in turn. */
  enqueue(waiter: Waiter): void;
  /** Takes a waiting `waiter` out of the queue (it was cancelled or timed out). */
  remove(waiter: Waiter): void;
  /** No grant before `until` (`performance.now()` ms): the server asked for a pause. */
  pause(until: number): void;
}

/**
 * The schedule of one key of a rate limit: a GCRA (the generic cell rate algorithm of ATM
 * networks, the "virtual scheduling" form), which grants exactly what a token bucket of `burst`
 * tokens refilled at one per `interval` grants, with one number of state: the theoretical arrival
 * time `tat` of the next request at the steady rate. A request conforms at `now` when
 * `now >= tat - (burst - 1) × interval`; a grant moves `tat` to `max(tat, now) + interval`. So the
 * time of the next grant is known without counting tokens, which is what arms the lane's one
 * timer (and what a shared store will need: one number per key).
 *
 * Requests that do not conform wait in the lane's queue, first in first out, and are granted by
 * that timer, armed for the head's turn: no request polls. A grant is counted at the moment it was
 * due, not the moment the timer fired, so a late timer does not slow the rate down.
 *
 * @internal
 */
export class RateLane implements Lane {
  readonly #queue = new WaiterQueue<Waiter>();
  // Theoretical arrival time (`performance.now()` ms); -Infinity: never granted.
  #tat = Number.NEGATIVE_INFINITY;
  // No grant before this time (`performance.now()` ms): the server asked for a pause.
  #pausedUntil = Number.NEGATIVE_INFINITY;
  // The timer armed for the head's turn, and the time it is armed for; undefined when idle.
  #timer: NodeJS.Timeout | undefined;
  #timerDue = 0;
  readonly #interval: number;
  // (burst - 1) × interval: how far ahead of `tat` a request may still conform.
  readonly #tolerance: number;

  constructor(interval: number, burst: number) {
    this.#interval = interval;
    this.#tolerance = (burst - 1) * interval;
  }

  /** Requests waiting for their turn. */
  get size(): number {
    return this.#queue.size;
  }

  /** Whether the lane is as a new one would be: nothing queued, no credit used, no pause. */
  isIdle(now: number): boolean {
    return this.#queue.size === 0 && this.#tat <= now && this.#pausedUntil <= now;
  }

  /** The earliest time (`performance.now()` ms) a request may be granted. */
  nextGrantAt(): number {
    return Math.max(this.#tat - this.#tolerance, this.#pausedUntil);
  }

  /** Grants a request now if nobody waits and it conforms; whether it did. */
  tryGrant(now: number): boolean {
    if (this.#queue.size > 0 || !isDue(this.nextGrantAt(), now)) return false;
    this.#tat = Math.max(this.#tat, now) + this.#interval;
    return true;
  }

  /** Queues `waiter`; it is granted, in turn, by the lane's timer. */
  enqueue(waiter: Waiter): void {
    this.#queue.push(waiter);
    this.#arm(waiter.since);
  }

  /** Takes a waiting `waiter` out of the queue (it was cancelled or timed out). */
  remove(waiter: Waiter): void {
    if (this.#queue.remove(waiter) && this.#queue.size === 0) this.#disarm();
  }

  /** No grant before `until` (`performance.now()` ms): the server asked for a pause. */
  pause(until: number): void {
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    if (this.#queue.size > 0) this.#arm(performance.now());
  }

  // Grants every waiter whose turn has come, then arms the timer for the next one.
  #drain(now: number): void {
    while (this.#queue.size > 0) {
      const due = this.nextGrantAt();
      if (!isDue(due, now)) break;
      const waiter = this.#queue.shift();
      // Counted when it was due (or came), not when the timer fired: lateness is not carried on.
      this.#tat = Math.max(this.#tat, due, waiter.since) + this.#interval;
      waiter.grant(now);
    }
    this.#queue.compact();
    if (this.#queue.size > 0) this.#arm(now);
  }

  // Arms the timer for the head's turn, unless it is armed for it already.
  #arm(now: number): void {
    const due = this.nextGrantAt();
    if (this.#timer !== undefined && this.#timerDue === due) return;
    this.#disarm();
    if (isDue(due, now)) {
      this.#drain(now);
      return;
    }
    this.#timerDue = due;
    // To the µs: times are sums of float intervals, and 100.00000000001 ms is 100 ms.
    this.#timer = startTimer(Math.round((due - now) * 1_000) / 1_000, () => {
      this.#timer = undefined;
      this.#drain(performance.now());
    });
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * @internal Whether a grant due at `due` may happen at `now`: a nanosecond's float error (times are sums of
 * `per / rate` intervals) does not hold it back.
 */
export function isDue(due: number, now: number): boolean {
  return now >= due - 1e-6;
}

/** A request waiting in a {@link Lane}. */
export interface Waiter extends Queued {
  /** When it started waiting (`performance.now()` ms). */
  readonly since: number;
  /** Its turn came at `now`. */
  grant(now: number): void;
  /** It may not be sent: the shared store failed and the lane fails fast (`fallback: 'fail'`). */
  refuse(error: Error): void;
}
