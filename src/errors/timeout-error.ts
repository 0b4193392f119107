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

// The limit each phase is set by, as a message names it.
const LIMIT_OF_PHASE: Readonly<Record<TimeoutPhase, string>> = {
  connect: 'timeout.connect',
  headers: 'timeout.headers',
  body: 'timeout.body',
  total: 'timeout.total',
  deadline: 'deadline',
  result: 'timeout of the wait',
  'rate-limit': 'timeout.total or deadline',
};

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
  /**
   * What set the limit, as the message names it, when the phase alone does not say (a page
   * section's deadline is a `result` wait). @default the phase's option, such as `timeout.headers`
   */
  limit?: string | undefined;
}

/**
 * A timeout passed. `phase` says which one; `timeout` the limit in milliseconds. The message names
 * both and the option that set the limit: `Timed out after 100 ms (phase: headers, limit:
 * timeout.headers): GET http://api/x`.
 */
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
    const { phase, timeout } = options;
    super(
      `Timed out after ${timeout} ms (phase: ${phase}, limit: ${options.limit ?? LIMIT_OF_PHASE[phase]})`,
      options,
    );
    this.phase = options.phase;
    this.timeout = options.timeout;
    this.dueAt = options.dueAt;
  }
}
