import { performance } from 'node:perf_hooks';
import { startTimer } from '../core/timers.ts';
import { isDue, type Lane, RateLane, type Waiter } from './rate-lane.ts';
import { WaiterQueue } from './waiter-queue.ts';

/** How a shared lane grants now: from the store, on its own (the store failed), or not at all. */
export type GrantsMode = 'shared' | 'local' | 'fail';

/**
 * What a {@link SharedRateLane} needs of its store.
 *
 * @internal
 */
export interface Grants {
  /** How grants are made now (asking may start a probe of a failed store). */
  mode(): GrantsMode;
  /**
   * Asks for one grant under `key`: resolves with 0 when granted, else with how long to wait (ms)
   * before asking again; rejects when the store failed (it has switched to its fallback).
   */
  ask(key: string, interval: number, tolerance: number): Promise<number>;
  /** The store's last failure while it is down. */
  lastError(): Error | undefined;
}

/**
 * The schedule of one key of a rate limit kept in a shared store: requests wait here first in
 * first out, and only the head asks the store for a grant — one question in flight per key per
 * process. Granted, the head goes and the next asks at once; told to wait, the lane sleeps that
 * long on a timer and asks again. So a process asks about once per grant it gets (plus once per
 * grant another process took first), and never spins on the store.
 *
 * While the store fails, the lane limits on its own, at the key's rate ÷ `instances` (a local
 * {@link RateLane} that nothing queues in; it only times the head), or refuses every waiter, as
 * the store's mode says; it asks the store again once the store is back.
 *
 * @internal
 */
export class SharedRateLane implements Lane {
  readonly #queue = new WaiterQueue<Waiter>();
  readonly #key: string;
  readonly #interval: number;
  // (burst - 1) × interval: how far ahead of the key's TAT a request may still conform.
  readonly #tolerance: number;
  readonly #instances: number;
  readonly #burst: number;
  readonly #grants: Grants;
  // A question to the store is in flight (for the head, whoever it is when the answer comes).
  #isAsking = false;
  // The timer armed for the next question (or local grant); undefined when none is armed.
  #timer: NodeJS.Timeout | undefined;
  // When the store (or the local fallback) said the next grant may be (`performance.now()` ms).
  #nextAt = Number.NEGATIVE_INFINITY;
  // No grant before this time (`performance.now()` ms): the server asked for a pause.
  #pausedUntil = Number.NEGATIVE_INFINITY;
  // The local schedule while the store fails; made on the first failure.
  #local: RateLane | undefined;

  constructor(key: string, interval: number, burst: number, instances: number, grants: Grants) {
    this.#key = key;
    this.#interval = interval;
    this.#tolerance = (burst - 1) * interval;
    this.#burst = burst;
    this.#instances = instances;
    this.#grants = grants;
  }

  get size(): number {
    return this.#queue.size;
  }

  isIdle(now: number): boolean {
    return (
      this.#queue.size === 0 &&
      !this.#isAsking &&
      this.#timer === undefined &&
      this.#pausedUntil <= now &&
      (this.#local === undefined || this.#local.isIdle(now))
    );
  }

  nextGrantAt(): number {
    return Math.max(this.#nextAt, this.#pausedUntil);
  }

  /** Never at once: every grant is the store's (a request queues, and the head asks for it). */
  tryGrant(): boolean {
    return false;
  }

  enqueue(waiter: Waiter): void {
    this.#queue.push(waiter);
    this.#pump();
  }

  remove(waiter: Waiter): void {
    if (this.#queue.remove(waiter) && this.#queue.size === 0) this.#disarm();
  }

  pause(until: number): void {
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    if (this.#queue.size > 0 && !this.#isAsking) {
      this.#disarm();
      this.#pump();
    }
  }

  // Grants (or refuses) the head while nothing is in flight and no timer is armed for it.
  #pump(): void {
    while (this.#queue.size > 0 && !this.#isAsking && this.#timer === undefined) {
      if (!this.#step(performance.now())) break;
    }
    this.#queue.compact();
  }

  // The head's next step: sleep out a pause, ask the store, refuse, or be timed locally; whether
  // it was granted at once (so the next may go on).
  #step(now: number): boolean {
    if (!isDue(this.#pausedUntil, now)) {
      this.#sleep(this.#pausedUntil - now);
      return false;
    }
    const mode = this.#grants.mode();
    if (mode === 'shared') this.#ask();
    else if (mode === 'fail') this.#refuseAll();
    else {
      const local = this.#fallback();
      if (local.tryGrant(now)) {
        this.#queue.shift().grant(now);
        return true;
      }
      this.#nextAt = local.nextGrantAt();
      this.#sleep(this.#nextAt - now);
    }
    return false;
  }

  #ask(): void {
    this.#isAsking = true;
    this.#grants.ask(this.#key, this.#interval, this.#tolerance).then(
      (wait) => {
        this.#isAsking = false;
        const now = performance.now();
        this.#nextAt = now + wait;
        // A grant that came when its waiter had left is spent: the rate is never exceeded for it.
        if (wait > 0) this.#sleep(wait);
        else if (this.#queue.size > 0) this.#queue.shift().grant(now);
        this.#pump();
      },
      () => {
        // The store failed and told its onError; the mode says what to do now.
        this.#isAsking = false;
        this.#pump();
      },
    );
  }

  #refuseAll(): void {
    const error = this.#grants.lastError() ?? new Error('the rate limit store is down');
    while (this.#queue.size > 0) this.#queue.shift().refuse(error);
  }

  #fallback(): RateLane {
    this.#local ??= new RateLane(
      this.#interval * this.#instances,
      Math.ceil(this.#burst / this.#instances),
    );
    return this.#local;
  }

  // Arms the timer to ask (or grant locally) again after `ms`, if anyone still waits then.
  #sleep(ms: number): void {
    if (this.#queue.size === 0) return;
    // Whole ms, rounded up: a timer that fired a fraction early would ask once more for nothing.
    this.#timer = startTimer(Math.ceil(ms), () => {
      this.#timer = undefined;
      this.#pump();
    });
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
