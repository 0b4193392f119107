import { checkBoolean, checkPositiveNumber } from '../core/checks.ts';
import { checkKnownOptions, fail, ownOptions } from '../core/validate.ts';
import type { PreparedRequest } from '../http/prepared-request.ts';
import type { PolicyContext, RetryState, SessionPolicy } from '../http/session-policy.ts';
import { RETRY_BUDGET_OPTIONS } from './known-options.ts';
import { originSet } from './origin-set.ts';
import { SlidingCounts } from './sliding-counts.ts';

/** Options of {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Retries allowed as a share of the calls made to an origin in the window. @default 0.1 */
  ratio?: number;
  /**
   * Retries per second an origin may always have, however few calls it gets (so a quiet client
   * can still retry a blip). It is a floor, not an addition: over the window an origin may retry
   * `max(ratio × calls, minPerSecond × window / 1000)` times.
   * @default 1
   */
  minPerSecond?: number;
  /** The sliding window the counts are kept over, in ms. @default 10_000 */
  window?: number;
  /**
   * The origins the policy applies to (URLs; only their origin counts); others are left alone.
   * @default every origin
   */
  origins?: readonly (string | URL)[];
  /** Whether the budget applies; `false` lets every retry the retry rules allow happen. @default true */
  enabled?: boolean;
}

/** An origin's counts, as {@link RetryBudget.stats} reports them. */
export interface RetryBudgetStats {
  /** Calls made to the origin in the window. */
  readonly calls: number;
  /** Retries made to it in the window. */
  readonly retries: number;
  /** Retries it may still make now. */
  readonly available: number;
}

const DEFAULTS = { ratio: 0.1, minPerSecond: 1, window: 10_000, enabled: true } as const;

/**
 * A retry budget, per origin (Google SRE book, "Handling Overload"): retries to an origin may be
 * at most `ratio` of the calls made to it over a sliding window (10 % of the last 10 s by
 * default), with a small floor per second. Retries are what turns a struggling service into a
 * dead one — with two retries each, a 503 storm triples the load — so when the budget is spent
 * the retry is not made: the call fails fast with the outcome it had (the 503 response, or the
 * error), and the trace records a `retry-denied` event.
 *
 * It limits retries only; the session's `retry` options still decide which outcomes are retried
 * and how long to back off.
 *
 * @example
 * ```ts
 * import { RetryBudget, Session } from 'fanout';
 *
 * const session = new Session({
 *   baseURL: 'http://127.0.0.1:8080',
 *   retry: { limit: 2 },
 *   policies: [new RetryBudget({ ratio: 0.1 })],
 * });
 * ```
 */
export class RetryBudget implements SessionPolicy {
  readonly name = 'retry-budget';
  /** Whether the budget applies (it can be switched at any time). */
  enabled: boolean;
  // The origins of the `origins` option; undefined: every origin.
  readonly #only: ReadonlySet<string> | undefined;
  readonly #ratio: number;
  // The floor over the whole window: minPerSecond × window in seconds.
  readonly #floor: number;
  readonly #window: number;
  // Per origin: first = calls, second = retries, over the window.
  readonly #origins = new Map<string, SlidingCounts>();

  constructor(given: RetryBudgetOptions = {}) {
    if (typeof given !== 'object' || given === null) {
      fail('options', 'an object', given);
    }
    const options = ownOptions(given);
    checkKnownOptions(options, RETRY_BUDGET_OPTIONS);
    this.#ratio = checkPositiveNumber('ratio', options.ratio, true, DEFAULTS.ratio);
    this.#window = checkPositiveNumber('window', options.window, false, DEFAULTS.window);
    const minPerSecond = checkPositiveNumber(
      'minPerSecond',
      options.minPerSecond,
      true,
      DEFAULTS.minPerSecond,
    );
    this.#floor = (minPerSecond * this.#window) / 1000;
    this.enabled = checkBoolean('enabled', options.enabled, DEFAULTS.enabled);
    this.#only = originSet(options.origins);
  }

  /** The counts of `origin` (`scheme://host:port`) now. */
  stats(origin: string): RetryBudgetStats {
    const now = Date.now();
    const counts = this.#origins.get(origin);
    const calls = counts?.first(now) ?? 0;
    const retries = counts?.second(now) ?? 0;
    return { calls, retries, available: Math.max(0, Math.floor(this.#allowance(calls) - retries)) };
  }

  /** @internal Counts a call. */
  started(request: PreparedRequest, _context: PolicyContext): void {
    if (!this.#appliesTo(request.origin)) return;
    this.#counts(request.origin).addFirst(Date.now());
  }

  /** @internal Spends one retry from the origin's budget, or denies it. */
  retry(state: RetryState): boolean {
    const origin = state.request.origin;
    if (!this.#appliesTo(origin)) return true;
    const counts = this.#counts(origin);
    const now = Date.now();
    const calls = counts.first(now);
    const retries = counts.second(now);
    if (retries + 1 > this.#allowance(calls)) {
      state.note({
        policy: this.name,
        type: 'retry-denied',
        origin,
        detail: { calls, retries, retryCount: state.retryCount },
      });
      return false;
    }
    counts.addSecond(now);
    return true;
  }

  // Whether the policy acts on a request to `origin` now.
  #appliesTo(origin: string): boolean {
    return this.enabled && (this.#only === undefined || this.#only.has(origin));
  }

  #allowance(calls: number): number {
    return Math.max(this.#ratio * calls, this.#floor);
  }

  #counts(origin: string): SlidingCounts {
    let counts = this.#origins.get(origin);
    if (counts === undefined) {
      counts = new SlidingCounts(this.#window);
      this.#origins.set(origin, counts);
    }
    return counts;
  }
}
