/**
 * The public surface of the errors layer: {@link FanoutError}, its subclasses (one a file, each
 * with a literal `code`; the subclasses of {@link RequestError} carry the `{ method, url }` of the
 * request that failed) and the types their constructors and fields use. The layer imports
 * nothing, not even `core/`. The options of every constructor and the two halves of
 * `HTTPError#response` (`FailedResponse`, and `HTTPErrorResponse`, which `http/response.ts` fills
 * with fanout's `Response`) are exported too, since public signatures name them.
 */

export { BatchResultError } from './batch-result-error.ts';
export { BodyTooLargeError } from './body-too-large-error.ts';
export { CacheRefreshError } from './cache-refresh-error.ts';
export { CacheStoreError } from './cache-store-error.ts';
export { CancelledError } from './cancelled-error.ts';
export { CircuitOpenError, type CircuitOpenErrorOptions } from './circuit-open-error.ts';
export { ConnectionError } from './connection-error.ts';
export { DeadlineError, type DeadlineErrorOptions, type DeadlineScope } from './deadline-error.ts';
export { DependencyError } from './dependency-error.ts';
export { ExecutorShutdownError } from './executor-shutdown-error.ts';
export { FanoutError, type FanoutErrorOptions, isFanoutError } from './fanout-error.ts';
export type { FanoutErrorCode } from './fanout-error-code.ts';
export { FlowDefinitionError } from './flow-definition-error.ts';
export { type FailedResponse, HTTPError, type HTTPErrorResponse } from './http-error.ts';
export { InvalidOptionError } from './invalid-option-error.ts';
export { InvalidRequestError } from './invalid-request-error.ts';
export { InvalidURLError } from './invalid-url-error.ts';
export { PageDefinitionError } from './page-definition-error.ts';
export { QueueFullError } from './queue-full-error.ts';
export { RateLimitStoreError } from './rate-limit-store-error.ts';
export { RedisStoreError } from './redis-store-error.ts';
export {
  type ErrorRequest,
  type FailedRequest,
  RequestError,
  type RequestErrorOptions,
} from './request-error.ts';
export { ResponseParseError } from './response-parse-error.ts';
export type { Retries, RetryStop } from './retries.ts';
export { SessionClosedError } from './session-closed-error.ts';
export { TimeoutError, type TimeoutErrorOptions, type TimeoutPhase } from './timeout-error.ts';
export { TooManyRedirectsError } from './too-many-redirects-error.ts';
export { UnsafeTemplateError } from './unsafe-template-error.ts';
