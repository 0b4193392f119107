/**
 * Why a request was not tried again although its `retry` options allowed another attempt: the
 * call's time would run out first (`timeout.total`, or the `deadline` of the page, flow or
 * `withDeadline` scope it runs in), or a session policy (a `RetryBudget`) vetoed the retry.
 */
export type RetryStop = 'timeout.total' | 'deadline' | 'policy';

/**
 * What the attempts of a request that was retried came to: told to the error the call ends with
 * (its message, {@link RequestError.attempts} and the fields beside it) and kept in
 * `response.retries` when it ends with a response. Plain frozen data, so `errors/` stays
 * independent of `http/`.
 */
export interface Retries {
  /** How many attempts went on the wire, the last one included. */
  readonly attempts: number;
  /** Milliseconds from the start of the first attempt to the outcome, backoffs included. */
  readonly duration: number;
  /**
   * The failure of each attempt that was retried, oldest first: the error it ended with, or an
   * `HTTPError` of the response whose status was retried. One fewer than `attempts`, or as many
   * when the call ended while waiting to retry (its `total` timeout passed, it was cancelled).
   */
  readonly errors: readonly Error[];
  /** Why no further attempt was made although the retry limit allowed one; else undefined. */
  readonly stoppedBy: RetryStop | undefined;
}

/** The own fields an error gets from its {@link Retries}, as `defineRetries` sets them. */
interface RetriedFields {
  attempts: number;
  duration: number;
  retriedErrors: readonly Error[];
  retryStoppedBy?: RetryStop;
}

const STOPPED: Readonly<Record<RetryStop, string>> = {
  'timeout.total': 'no time left to retry within timeout.total',
  deadline: 'no time left to retry within the deadline',
  policy: 'a retry was vetoed by a policy',
};

/**
 * The end of the message of an error after retries: ` (3 attempts in 412 ms)`, with why it
 * stopped when it stopped early: ` (2 attempts in 301 ms; no time left to retry within
 * timeout.total)`.
 */
export function retriesSuffix(retries: Retries): string {
  const { attempts, duration, stoppedBy } = retries;
  const made = `${attempts} attempt${attempts === 1 ? '' : 's'} in ${duration} ms`;
  return stoppedBy === undefined ? ` (${made})` : ` (${made}; ${STOPPED[stoppedBy]})`;
}

/**
 * Gives `error` the fields of `retries` as own, enumerable, read-only properties (so
 * `util.inspect` shows them): `attempts`, `duration`, `retriedErrors`, and `retryStoppedBy` when
 * it stopped early.
 */
export function defineRetries(error: Error, retries: Retries): void {
  const fields: RetriedFields = {
    attempts: retries.attempts,
    duration: retries.duration,
    retriedErrors: retries.errors,
  };
  if (retries.stoppedBy !== undefined) fields.retryStoppedBy = retries.stoppedBy;
  for (const [key, value] of Object.entries(fields)) {
    Object.defineProperty(error, key, { value, enumerable: true });
  }
}

/**
 * The error a call that was retried ends with, made from the error its last attempt (or its
 * backoff) ended with: a new error of the same class, with the same `code`, fields and `cause`,
 * whose message (and the first line of its stack, which keeps the frames of where it failed) ends
 * with {@link retriesSuffix}, and with the fields of {@link defineRetries}. A new error, not the
 * same one changed: the last error may be shared (a session's close reason, a signal's reason).
 * It is made without running the class's constructor (which only the library calls, with
 * arguments this function does not know), as a native error, so `instanceof`, `isFanoutError`
 * and `util.inspect` treat it as any other.
 */
export function withRetries<E extends Error>(error: E, retries: Retries): E {
  const message = `${error.message}${retriesSuffix(retries)}`;
  const told = Reflect.construct(Error, [message], error.constructor) as E;
  for (const key of Reflect.ownKeys(error)) {
    if (key === 'message' || key === 'stack') continue;
    Object.defineProperty(
      told,
      key,
      Object.getOwnPropertyDescriptor(error, key) as PropertyDescriptor,
    );
  }
  const { stack } = error;
  if (typeof stack === 'string') {
    const frames = stack.indexOf('\n    at ');
    told.stack = `${told.name}: ${message}${frames === -1 ? '' : stack.slice(frames)}`;
  }
  defineRetries(told, retries);
  return told;
}
