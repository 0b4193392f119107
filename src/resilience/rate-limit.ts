import { performance } from 'node:perf_hooks';
import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkPositiveNumber,
  NON_NEGATIVE_INTEGER_OR_INFINITY,
} from '../core/checks.ts';
import { checkKnownOptions, fail, ownOptions } from '../core/validate.ts';
import { QueueFullError } from '../errors/queue-full-error.ts';
import { RateLimitStoreError } from '../errors/rate-limit-store-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import type { PreparedRequest } from '../http/prepared-request.ts';
import type { Response } from '../http/response.ts';
import type { AttemptState, Next, SessionPolicy } from '../http/session-policy.ts';
import { RATE_LIMIT_OPTIONS } from './known-options.ts';
import { originSet } from './origin-set.ts';
import { type Lane, RateLane, type Waiter } from './rate-lane.ts';
import { serverPause } from './rate-limit-signals.ts';
import type { RateStore } from './rate-store.ts';

/** Options of {@link RateLimit}. */
export interface RateLimitOptions {
  /** Requests allowed per `per` ms, for each key: a finite number > 0. */
  rate: number;
  /** The period `rate` is counted over, in ms. @default 1_000 */
  per?: number;
  /**
   * Requests that may go at once after a quiet time, above the steady pace: an integer >= 1. With
   * the default, requests are spaced `per / rate` ms apart, so no window of `per` ms ever sees
   * more than `rate` of them; `burst: rate` lets a key that was idle spend a whole period at once
   * (as a fixed-window limit on the server allows).
   * @default 1
   */
  burst?: number;
  /**
   * The key a request is limited under: requests of one key share a limit, keys never do.
   * @default the request's origin (`scheme://host:port`)
   * @example (request) => request.headers['x-tenant'] as string
   */
  key?: (request: PreparedRequest) => string;
  /**
   * Requests that may wait for their turn under one key; one more fails at once with a
   * {@link QueueFullError}, unsent.
   * With a `store`, the request whose grant is being asked for counts too, so it must be >= 1.
   * @default Infinity (the wait is bounded by each request's `total` timeout or deadline)
   */
  maxQueued?: number;
  /**
   * Where the schedules are kept, to share the limit across processes: a {@link RedisRateStore}
   * (each grant is then one round trip to Redis; see its fallback while Redis fails).
   * @default each process keeps its own
   */
  store?: RateStore;
  /**
   * The origins the policy applies to (URLs; only their origin counts); others are left alone.
   * @default every origin
   */
  origins?: readonly (string | URL)[];
  /** Whether the limit applies; `false` lets every attempt go at once. @default true */
  enabled?: boolean;
}

const DEFAULTS = { per: 1_000, burst: 1, maxQueued: Number.POSITIVE_INFINITY, enabled: true };

// A new key's lane sweeps the idle ones once the lanes are twice as many as after the last sweep.
const MIN_SWEEP = 1_024;

/**
 * A rate limit per origin, or per key (an API key, a tenant): at most `rate` attempts per `per`
 * ms go out under each key. An attempt over the limit **waits** for its turn — it is never
 * rejected while it can still be sent — first in, first out, and is sent when its turn comes.
 * The wait is bounded by the request's `total` timeout or deadline (then it fails with a
 * {@link TimeoutError} of phase `rate-limit`, unsent), by its signal and the session's `close()`
 * (it leaves the queue at once), and by `maxQueued` (then {@link QueueFullError}, unsent).
 *
 * Every attempt counts: a retry and a redirect hop wait for a turn as the first try did (a
 * hedging policy's second copy does not: it rides on its attempt's turn). The server's own
 * signals pause a key (no grant until then): `Retry-After` on a 429 or 503, and a `RateLimit` or
 * `X-RateLimit-Remaining: 0` with its reset (see docs/RESILIENCE.md for exactly what is read).
 *
 * A FuturesSession's `priority` orders its own queue, before a request reaches the session; in a
 * rate limit's queue, requests keep the order they came in.
 *
 * @example
 * ```ts
 * import { RateLimit, Session } from 'fanout';
 *
 * const session = new Session({
 *   baseURL: 'http://127.0.0.1:8080',
 *   timeout: { total: 5_000 },
 *   policies: [new RateLimit({ rate: 100, per: 1_000, burst: 10 })],
 * });
 * ```
 */
export class RateLimit implements SessionPolicy {
  readonly name = 'rate-limit';
  /** Whether the limit applies (it can be switched at any time; waiting requests still wait). */
  enabled: boolean;
  // The origins of the `origins` option; undefined: every origin.
  readonly #only: ReadonlySet<string> | undefined;
  // The steady spacing of grants, in ms: per / rate.
  readonly #interval: number;
  readonly #burst: number;
  readonly #maxQueued: number;
  readonly #key: ((request: PreparedRequest) => string) | undefined;
  readonly #store: RateStore | undefined;
  // Every key's lane; an idle lane (as a new one) is dropped by #sweep, so keys seen once do not
  // stay.
  readonly #lanes = new Map<string, Lane>();
  // The size of #lanes at which a new key sweeps the idle lanes first.
  #sweepAt = MIN_SWEEP;

  constructor(given: RateLimitOptions) {
    if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
    const options = ownOptions(given);
    checkKnownOptions(options, RATE_LIMIT_OPTIONS);
    const rate = checkPositiveNumber('rate', options.rate);
    const per = checkPositiveNumber('per', options.per, false, DEFAULTS.per);
    this.#interval = per / rate;
    if (!(this.#interval > 0 && Number.isFinite(this.#interval))) {
      fail('rate', `a number that spaces requests by a finite time > 0 over \`per\` ${per}`, rate);
    }
    this.#burst = checkInteger('burst', options.burst, 1, DEFAULTS.burst);
    this.#maxQueued = checkInteger(
      'maxQueued',
      options.maxQueued,
      NON_NEGATIVE_INTEGER_OR_INFINITY,
      DEFAULTS.maxQueued,
    );
    if (options.key !== undefined) this.#key = checkFunction('key', options.key);
    if (options.store !== undefined) {
      this.#store = checkStore(options.store);
      if (this.#maxQueued < 1) {
        fail(
          'maxQueued',
          'an integer >= 1 with a `store` (the request being asked for counts)',
          this.#maxQueued,
        );
      }
    }
    this.enabled = checkBoolean('enabled', options.enabled, DEFAULTS.enabled);
    this.#only = originSet(options.origins);
  }

  /** Requests waiting for their turn under `key` now. */
  queued(key: string): number {
    return this.#lanes.get(key)?.size ?? 0;
  }

  /**
   * When the next request under `key` may go (a `performance.now()` time; now or before when one
   * may go at once): the limiter's pace, or a pause the server asked for.
   */
  nextGrantAt(key: string): number {
    return this.#lanes.get(key)?.nextGrantAt() ?? performance.now();
  }

  /** @internal Waits for the attempt's turn, sends it, and heeds what the server says of its limit. */
  async attempt(state: AttemptState, next: Next): Promise<Response> {
    const request = state.request;
    if (!this.enabled || (this.#only !== undefined && !this.#only.has(request.origin))) {
      return next(request);
    }
    const key = this.#keyOf(request);
    const lane = this.#lane(key);
    const now = performance.now();
    if (!lane.tryGrant(now)) await this.#wait(lane, key, state, now);
    const response = await next(request);
    const pause = serverPause(response.status, response.headers, Date.now());
    if (pause !== undefined && pause > 0) {
      lane.pause(performance.now() + pause);
      state.note({ policy: this.name, type: 'paused', origin: request.origin, detail: { pause } });
    }
    return response;
  }

  #keyOf(request: PreparedRequest): string {
    if (this.#key === undefined) return request.origin;
    const key = this.#key(request);
    if (typeof key !== 'string') fail({ phrase: 'the `key` function' }, 'returning a string', key);
    return key;
  }

  #lane(key: string): Lane {
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      if (this.#lanes.size >= this.#sweepAt) this.#sweep();
      lane =
        this.#store === undefined
          ? new RateLane(this.#interval, this.#burst)
          : this.#store.lane(key, this.#interval, this.#burst);
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  // Drops the lanes that are as new ones would be.
  #sweep(): void {
    const now = performance.now();
    for (const [key, lane] of this.#lanes) if (lane.isIdle(now)) this.#lanes.delete(key);
    this.#sweepAt = Math.max(MIN_SWEEP, 2 * this.#lanes.size);
  }

  // Queues the attempt until its turn, or fails it unsent: the queue is full, or the call stopped.
  #wait(lane: Lane, key: string, state: AttemptState, since: number): Promise<void> {
    if (lane.size >= this.#maxQueued) {
      return Promise.reject(
        new QueueFullError(
          `Rate limit queue of ${JSON.stringify(key)} is full (maxQueued ${this.#maxQueued})`,
          { request: state.request },
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      let off: (() => void) | undefined;
      const waiter: Waiter = {
        since,
        isDone: false,
        grant(now) {
          off?.();
          state.limited(since, now);
          resolve();
        },
        refuse(cause) {
          off?.();
          state.limited(since, performance.now());
          reject(
            new RateLimitStoreError(
              `Rate limit store is down (fallback 'fail'); not sent: ${cause.message}`,
              { request: state.request, cause },
            ),
          );
        },
      };
      lane.enqueue(waiter);
      if (waiter.isDone) return; // granted as it came (a pause that had just ended, a local fallback)
      off = state.onStop((reason) => {
        off?.();
        lane.remove(waiter);
        state.limited(since, performance.now());
        reject(waitError(reason, state.request));
      });
    });
  }
}

function checkStore(value: unknown): RateStore {
  const store = value as RateStore | null;
  if (typeof store !== 'object' || store === null || typeof store.lane !== 'function') {
    fail('store', 'a rate limit store (a RedisRateStore)', value);
  }
  return store;
}

/**
 * The error of a request stopped while it waited for its turn: a timeout of the call (`total`,
 * `deadline`) becomes phase `rate-limit`, with the same limit and `dueAt`; any other reason (a
 * cancellation, the session closing) is the error as it is.
 */
function waitError(reason: Error, request: PreparedRequest): Error {
  if (!(reason instanceof TimeoutError)) return reason;
  if (reason.phase !== 'total' && reason.phase !== 'deadline') return reason;
  return new TimeoutError({
    phase: 'rate-limit',
    timeout: reason.timeout,
    dueAt: reason.dueAt,
    limit: reason.phase === 'total' ? 'timeout.total' : 'deadline',
    request,
    cause: reason,
  });
}
