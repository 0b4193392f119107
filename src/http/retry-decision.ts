import type { Call } from './call.ts';
import type { RetryPolicy } from './config.ts';
import { isUnprocessed } from './h2/unprocessed-stream.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';
import { backoffDelay, isRetryableError, parseRetryAfter } from './retry.ts';

/**
 * What {@link retryDelay} answers for an outcome the policy would retry but whose delay would not
 * end before the call's deadline: the outcome is final, and the call's time is why.
 *
 * @internal
 */
export const OUT_OF_TIME = 'out of time';

/**
 * Whether the outcome of one attempt is retried under `policy`, and after how long: the delay in
 * ms, or `undefined` when the outcome is final. A retry needs an attempt left, a method the policy
 * retries (any method, for a request the server did not process: `isUnprocessed`) and a body that
 * can be sent again; then a response must have a status the policy
 * retries (its `Retry-After`, if any, is the delay, unless it asks for more than `maxRetryAfter`)
 * and an error must be retryable (`isRetryableError`), with a backoff delay. A delay that would
 * not end before the call's deadline is no retry at all: {@link OUT_OF_TIME}, so the error can say
 * why the call stopped.
 *
 * @internal
 */
export function retryDelay(
  call: Call,
  request: PreparedRequest,
  policy: RetryPolicy,
  retryCount: number,
  response: Response | undefined,
  error: unknown,
): number | typeof OUT_OF_TIME | undefined {
  if (retryCount >= policy.limit) return undefined;
  // A request the server is known not to have processed (an HTTP/2 stream refused, or cut by a
  // GOAWAY) may go again whatever its method (RFC 9113 §8.7).
  if (!policy.methods.has(request.method) && !isUnprocessed(error)) return undefined;
  if (request.body !== null && !request.isBodyReplayable) return undefined;
  let delay: number;
  if (response !== undefined) {
    if (!policy.statusCodes.has(response.status)) return undefined;
    const header = response.headers['retry-after'];
    const asked = parseRetryAfter(typeof header === 'string' ? header : undefined, Date.now());
    if (asked !== undefined && asked > policy.maxRetryAfter) return undefined;
    delay = asked ?? backoffDelay(policy, retryCount);
  } else {
    if (!isRetryableError(error)) return undefined;
    delay = backoffDelay(policy, retryCount);
  }
  return delay < call.remaining() ? delay : OUT_OF_TIME;
}
