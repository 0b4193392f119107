import { RequestError, type RequestErrorOptions } from './request-error.ts';

/**
 * The phase a timeout bounds: `connect` (TCP/TLS connection), `headers` (time to the first byte of
 * the response), `body` (idle time between body chunks), `total` (one deadline across redirects
 * and retries), `deadline` (the budget of the page or flow the request belongs to, propagated to
 * it: see `withDeadline`), `rate-limit` (the `total` timeout or the deadline passed while the
 * request waited for its turn in a `RateLimit`'s queue: it was never sent), or `result` (a
 * caller's wait in `future.result({ timeout })`, `asCompleted`, …).
 */
export type TimeoutPhase =
  | 'connect'
  | 'headers'
  | 'body'
  | 'total'
  | 'deadline'
  | 'rate-limit'
  | 'result';

/** Options of {@link TimeoutError}. */
export interface TimeoutErrorOptions extends RequestErrorOptions {
  /** The phase that ran out of time. */
  phase: TimeoutPhase;
  /** The limit that passed, in milliseconds. */
  timeout: number;
  /**
   * For phase `deadline` (and `rate-limit` when a deadline cut the wait): the `performance.now()`
   * time the deadline fell at.
   */
  dueAt?: number | undefined;
}

/** A timeout passed. `phase` says which one; `timeout` the limit in milliseconds. */
export class TimeoutError extends RequestError {
  override name = 'TimeoutError';
  override readonly code = 'FANOUT_TIMEOUT' as const;
  /** Which timeout passed. */
  readonly phase: TimeoutPhase;
  /** The limit that passed, in milliseconds. */
  readonly timeout: number;
  /**
   * For phase `deadline` (and `rate-limit` when a deadline, not the `total` timeout, cut the wait):
   * the `performance.now()` time the deadline fell at, so the flow step or page section whose
   * deadline it was tells its own deadline from a sooner one; else undefined.
   */
  readonly dueAt: number | undefined;

  constructor(options: TimeoutErrorOptions) {
    super(`Timed out after ${options.timeout} ms (${options.phase})`, options);
    this.phase = options.phase;
    this.timeout = options.timeout;
    this.dueAt = options.dueAt;
  }
}
