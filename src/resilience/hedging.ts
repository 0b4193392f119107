import { performance } from 'node:perf_hooks';
import { checkBoolean, checkPositiveNumber } from '../core/checks.ts';
import { startTimer } from '../core/timers.ts';
import { checkKnownOptions, fail, ownOptions } from '../core/validate.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import type { Response } from '../http/response.ts';
import type { AttemptState, Dispatch, Send, SessionPolicy } from '../http/session-policy.ts';
import { HEDGING_OPTIONS } from './known-options.ts';
import { LatencyWindow } from './latency-window.ts';
import { originSet } from './origin-set.ts';
import { SlidingCounts } from './sliding-counts.ts';

/** Options of {@link Hedging}. */
export interface HedgingOptions {
  /**
   * How long to wait for the first copy before sending the second, in ms. With `percentile`, the
   * delay used until the origin has enough samples (16) for an estimate.
   * @default 50
   */
  delay?: number;
  /**
   * Hedge after the origin's recent latency at this percentile instead of a fixed delay, e.g.
   * `0.95`: only the slowest 5 % of attempts get a second copy. It is estimated over the origin's
   * last 256 answers, each counted as long as its caller waited (a hedged one: until the first
   * copy answered).
   */
  percentile?: number;
  /**
   * The most extra attempts hedging may add, as a share of an origin's attempts over the `window`.
   * A hedge the budget has no room for is not sent (the trace records `hedge-denied`).
   * @default 0.05
   */
  budget?: number;
  /** The sliding window of the budget, in ms. @default 10_000 */
  window?: number;
  /**
   * Methods that are hedged: idempotent ones only, since the server may see both copies.
   * @default ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']
   */
  methods?: readonly string[];
  /**
   * The origins the policy applies to (URLs; only their origin counts); others are left alone.
   * @default every origin
   */
  origins?: readonly (string | URL)[];
  /** Whether hedging applies; `false` sends every attempt once. @default true */
  enabled?: boolean;
}

const DEFAULTS = {
  delay: 50,
  budget: 0.05,
  window: 10_000,
  methods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'],
  enabled: true,
} as const;

/** An origin's hedging state: the budget's counts (attempts, hedges) and its recent latencies. */
interface OriginStats {
  readonly counts: SlidingCounts;
  readonly latency: LatencyWindow | undefined;
}

/**
 * Hedged requests ("The Tail at Scale", Dean and Barroso): when an idempotent attempt has not
 * answered after a delay — fixed, or the origin's recent p95 — a second copy is sent; the first
 * answer wins and the other copy is cancelled (its socket closed). In the trace the second copy is
 * an attempt with `role: 'hedge'`, and the loser ends `cancelled`, not failed. A budget caps the
 * extra attempts at a share of the origin's attempts (5 % by default).
 *
 * An error of one copy waits for the other while it is in flight; the attempt fails only when
 * both have. Hedges are extra load on the origin outside a FuturesSession's `maxPerOrigin`.
 *
 * @example
 * ```ts
 * import { Hedging, Session } from 'fanout';
 *
 * const session = new Session({
 *   baseURL: 'http://127.0.0.1:8080',
 *   policies: [new Hedging({ percentile: 0.95, delay: 20 })],
 * });
 * ```
 */
export class Hedging implements SessionPolicy {
  readonly name = 'hedge';
  /** Whether hedging applies (it can be switched at any time). */
  enabled: boolean;
  // The origins of the `origins` option; undefined: every origin.
  readonly #only: ReadonlySet<string> | undefined;
  readonly #delay: number;
  readonly #percentile: number | undefined;
  readonly #budget: number;
  readonly #window: number;
  readonly #methods: ReadonlySet<string>;
  readonly #origins = new Map<string, OriginStats>();

  constructor(given: HedgingOptions = {}) {
    if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
    const options = ownOptions(given);
    checkKnownOptions(options, HEDGING_OPTIONS);
    this.#delay = checkPositiveNumber('delay', options.delay, true, DEFAULTS.delay);
    if (options.percentile !== undefined) {
      const percentile = options.percentile;
      if (typeof percentile !== 'number' || !(percentile > 0 && percentile < 1)) {
        fail('percentile', 'a number in (0, 1)', percentile);
      }
      this.#percentile = percentile;
    }
    this.#budget = checkPositiveNumber('budget', options.budget, true, DEFAULTS.budget);
    this.#window = checkPositiveNumber('window', options.window, false, DEFAULTS.window);
    this.#methods = checkMethods(options.methods, DEFAULTS.methods);
    this.enabled = checkBoolean('enabled', options.enabled, DEFAULTS.enabled);
    this.#only = originSet(options.origins);
  }

  /**
   * The delay before a hedge to `origin` now: the recent percentile when estimated, else the
   * fixed `delay`.
   */
  delayFor(origin: string): number {
    return this.#origins.get(origin)?.latency?.estimate ?? this.#delay;
  }

  /** @internal Sends the attempt, and a second copy if it is slow. */
  dispatch(state: AttemptState, send: Send): Promise<Response> {
    const request = state.request;
    if (
      !this.#appliesTo(request.origin) ||
      !this.#methods.has(request.method) ||
      (request.body !== null && !request.isBodyReplayable)
    ) {
      return send(request).promise;
    }
    const stats = this.#stats(request.origin);
    stats.counts.addFirst(Date.now());
    return new Race(state, send, stats, this.#budget, this.delayFor(request.origin)).promise;
  }

  // Whether the policy acts on a request to `origin` now.
  #appliesTo(origin: string): boolean {
    return this.enabled && (this.#only === undefined || this.#only.has(origin));
  }

  #stats(origin: string): OriginStats {
    let stats = this.#origins.get(origin);
    if (stats === undefined) {
      stats = {
        counts: new SlidingCounts(this.#window),
        latency: this.#percentile === undefined ? undefined : new LatencyWindow(this.#percentile),
      };
      this.#origins.set(origin, stats);
    }
    return stats;
  }
}

/** One hedged attempt: the first copy, perhaps a second after `delay`, and the first answer. */
class Race {
  readonly promise: Promise<Response>;
  readonly #state: AttemptState;
  readonly #send: Send;
  readonly #stats: OriginStats;
  readonly #budget: number;
  readonly #copies: Dispatch[] = [];
  // When the first copy was sent (performance.now()): the caller's wait is counted from here.
  readonly #startedAt = performance.now();
  // Copies still in flight.
  #pending = 0;
  // True once the race has a result (an answer, or every copy failed).
  #isSettled = false;
  #timer: NodeJS.Timeout | undefined;
  #resolve!: (response: Response) => void;
  #reject!: (error: unknown) => void;

  constructor(state: AttemptState, send: Send, stats: OriginStats, budget: number, delay: number) {
    this.#state = state;
    this.#send = send;
    this.#stats = stats;
    this.#budget = budget;
    this.promise = new Promise<Response>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#run(send(state.request));
    if (!this.#isSettled) this.#timer = startTimer(delay, () => this.#hedge(delay));
  }

  // Sends the second copy, if the budget has room.
  #hedge(delay: number): void {
    this.#timer = undefined;
    const origin = this.#state.request.origin;
    const counts = this.#stats.counts;
    const now = Date.now();
    const attempts = counts.first(now);
    const hedges = counts.second(now);
    if (hedges + 1 > this.#budget * attempts) {
      this.#state.note({
        policy: 'hedge',
        type: 'hedge-denied',
        origin,
        detail: { attempts, hedges },
      });
      return;
    }
    counts.addSecond(now);
    this.#state.note({ policy: 'hedge', type: 'hedge-sent', origin, detail: { delay } });
    this.#run(this.#send(this.#state.request, 'hedge'));
  }

  #run(copy: Dispatch): void {
    this.#copies.push(copy);
    this.#pending++;
    copy.promise.then(
      (response) => this.#answer(copy, response),
      (error: unknown) => this.#failed(error),
    );
  }

  #answer(winner: Dispatch, response: Response): void {
    this.#pending--;
    if (this.#isSettled) return;
    this.#settle();
    // The wait the caller saw: a hedged attempt counts with its hedged latency, so the estimate
    // is of what callers of the origin experience, and stays above the delay when hedges win.
    this.#stats.latency?.add(performance.now() - this.#startedAt);
    const request = this.#state.request;
    for (const copy of this.#copies) {
      if (copy !== winner) copy.cancel(new CancelledError('Lost the hedge race', { request }));
    }
    this.#resolve(response);
  }

  #failed(error: unknown): void {
    this.#pending--;
    if (this.#isSettled || this.#pending > 0) return;
    this.#settle();
    this.#reject(error);
  }

  #settle(): void {
    this.#isSettled = true;
    clearTimeout(this.#timer);
  }
}

function checkMethods(given: unknown, fallback: readonly string[]): ReadonlySet<string> {
  const methods = given === undefined ? fallback : given;
  if (!Array.isArray(methods) || !methods.every((method) => typeof method === 'string')) {
    fail('methods', 'an array of method names', methods);
  }
  return new Set(methods.map((method: string) => method.toUpperCase()));
}
