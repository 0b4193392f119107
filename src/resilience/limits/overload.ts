import { CancelledError } from '../../errors/cancelled-error.ts';
import { ConnectionError } from '../../errors/connection-error.ts';
import { HTTPError } from '../../errors/http-error.ts';
import { TimeoutError, type TimeoutPhase } from '../../errors/timeout-error.ts';
import { Response } from '../../http/response.ts';

/**
 * What a finished request tells an adaptive limit: `success` (its latency counts), `drop` (the
 * origin is overloaded) or `ignore` (nothing about the origin's load).
 *
 * @internal
 */
export type Verdict = 'success' | 'drop' | 'ignore';

/** Statuses by which an origin says it is overloaded: Too Many Requests, Service Unavailable. */
const OVERLOAD_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Timeouts that say nothing of the origin's load: a caller's wait, a wait in a rate limit. */
const IGNORED_TIMEOUTS: ReadonlySet<TimeoutPhase> = new Set(['result', 'rate-limit']);

/**
 * Judges a finished task by its outcome. A drop: a request timeout, a connection that failed, a
 * 429 or 503 answer (as a response, or as an `HTTPError`). Ignored: a cancelled task, and any other
 * error (a bad body, too many redirects, a task that is not a request). Everything else is a
 * success, whatever its status: a 404 or a 500 was answered, and its latency counts.
 *
 * @internal
 */
export function verdictOf(ok: boolean, outcome: unknown): Verdict {
  if (ok) {
    return outcome instanceof Response && OVERLOAD_STATUSES.has(outcome.status)
      ? 'drop'
      : 'success';
  }
  if (outcome instanceof CancelledError) return 'ignore';
  if (outcome instanceof TimeoutError)
    return IGNORED_TIMEOUTS.has(outcome.phase) ? 'ignore' : 'drop';
  if (outcome instanceof ConnectionError) return 'drop';
  if (outcome instanceof HTTPError && OVERLOAD_STATUSES.has(outcome.response.status)) return 'drop';
  return 'ignore';
}
