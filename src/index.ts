/**
 * fanout's public surface. Everything exported here is documented and stable; modules not
 * listed (transport, config merging, redirect and retry internals) are implementation details.
 */

import { installTelemetry } from './trace/otel.ts';

export { BatchResultError } from './errors/batch-result-error.ts';
export { BodyTooLargeError } from './errors/body-too-large-error.ts';
export { CacheStoreError } from './errors/cache-store-error.ts';
export { CancelledError } from './errors/cancelled-error.ts';
export {
  CircuitOpenError,
  type CircuitOpenErrorOptions,
} from './errors/circuit-open-error.ts';
export { ConnectionError } from './errors/connection-error.ts';
export { DeadlineError, type DeadlineScope } from './errors/deadline-error.ts';
export { DependencyError } from './errors/dependency-error.ts';
export { ExecutorShutdownError } from './errors/executor-shutdown-error.ts';
export { FanoutError, type FanoutErrorOptions, isFanoutError } from './errors/fanout-error.ts';
export type { FanoutErrorCode } from './errors/fanout-error-code.ts';
export { FlowDefinitionError } from './errors/flow-definition-error.ts';
export { HTTPError } from './errors/http-error.ts';
export { InvalidOptionError } from './errors/invalid-option-error.ts';
export { InvalidRequestError } from './errors/invalid-request-error.ts';
export { InvalidURLError } from './errors/invalid-url-error.ts';
export { PageDefinitionError } from './errors/page-definition-error.ts';
export { QueueFullError } from './errors/queue-full-error.ts';
export {
  type ErrorRequest,
  type FailedRequest,
  RequestError,
  type RequestErrorOptions,
} from './errors/request-error.ts';
export { ResponseParseError } from './errors/response-parse-error.ts';
export { SessionClosedError } from './errors/session-closed-error.ts';
export { TimeoutError, type TimeoutPhase } from './errors/timeout-error.ts';
export { TooManyRedirectsError } from './errors/too-many-redirects-error.ts';
export { UnsafeTemplateError } from './errors/unsafe-template-error.ts';
export {
  type BatchFunction,
  type BatchState,
  type BatchValues,
  CoalesceScope,
  coalesce,
  type Fallback,
  type FallbackState,
  Flow,
  FlowDefinition,
  type FlowOptions,
  type FlowReport,
  flow,
  Loader,
  type LoaderOptions,
  type LoadOptions,
  loader,
  type NewStepName,
  type NoSteps,
  type StartOptions,
  type StepContext,
  type StepFunction,
  type StepFutures,
  type StepInputs,
  type StepOptions,
  type StepOutcome,
  type StepReport,
  type WithStep,
} from './flow/index.ts';
export {
  type AsCompletedOptions,
  asCompleted,
  type CloseOptions,
  type ConcurrencyLimit,
  type DoneCallback,
  Executor,
  type ExecutorOptions,
  Future,
  type FutureNoBodyOptions,
  type FutureRequestOptions,
  FutureSet,
  type FutureSetOptions,
  FuturesScope,
  FuturesSession,
  type FuturesSessionOptions,
  type FutureValue,
  type MapFunction,
  type MapOptions,
  type ResultOptions,
  type ReturnWhen,
  type ShutdownOptions,
  type SubmitOptions,
  type TaskFunction,
  type WaitOptions,
  type WaitResult,
  wait,
} from './futures/index.ts';
export { Cookies } from './http/cookies.ts';
export type {
  AfterResponseHook,
  AfterResponseState,
  BeforeRedirectHook,
  BeforeRedirectState,
  BeforeRequestHook,
  BeforeRequestState,
  BeforeRetryHook,
  BeforeRetryState,
  Hooks,
} from './http/hooks.ts';
export type {
  Auth,
  AuthState,
  BodyInit,
  CommonOptions,
  HeadersInit,
  ParamsInit,
  ProxyOptions,
  RedirectOptions,
  RequestOptions,
  RetryOptions,
  SessionOptions,
  TimeoutOptions,
  TLSOptions,
} from './http/options.ts';
export { PreparedRequest, type WireBody } from './http/prepared-request.ts';
export { Response, type ResponseHeaders } from './http/response.ts';
export { type NoBodyOptions, Session } from './http/session.ts';
export type {
  AttemptRole,
  AttemptState,
  Dispatch,
  Next,
  PolicyContext,
  PolicyEvent,
  RetryState,
  Send,
  SessionPolicy,
} from './http/session-policy.ts';
export {
  definePage,
  escapeHTML,
  type FailureReason,
  HTML,
  html,
  isHTML,
  type LatePolicy,
  type LayoutPart,
  type Markup,
  Page,
  type PageHead,
  type PageOptions,
  PageRendering,
  type PipeOptions,
  pageServerTiming,
  type RenderedPage,
  type RenderOptions,
  type RenderSettings,
  raw,
  type SectionContext,
  type SectionDefinition,
  type SectionFailure,
  type SectionTiming,
  type StreamMode,
} from './page/index.ts';
export type { CacheOptions } from './resilience/cache/cache-options.ts';
export {
  CACHE_OUTCOME_HEADER,
  type CacheOutcome,
  cacheOutcome,
} from './resilience/cache/cache-outcome.ts';
export type { CacheStore } from './resilience/cache/cache-store.ts';
export { HttpCache } from './resilience/cache/http-cache.ts';
export { MemoryStore, type MemoryStoreOptions } from './resilience/cache/memory-store.ts';
export type { RedisClientOptions } from './resilience/cache/redis-client.ts';
export { RedisStore, type RedisStoreOptions } from './resilience/cache/redis-store.ts';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitOutcome,
  type CircuitState,
  type CircuitStateChange,
  type ConsecutiveTrip,
  isServerFailure,
  type RatioTrip,
} from './resilience/circuit-breaker.ts';
export { remainingTime, withDeadline } from './resilience/deadline.ts';
export { Hedging, type HedgingOptions } from './resilience/hedging.ts';
export {
  AdaptiveLimit,
  adaptiveLimit,
  type LimitChangeListener,
} from './resilience/limits/adaptive-limit.ts';
export type {
  AdaptiveLimitOptions,
  AimdOptions,
  CommonLimitOptions,
  GradientOptions,
} from './resilience/limits/limit-options.ts';
export {
  RetryBudget,
  type RetryBudgetOptions,
  type RetryBudgetStats,
} from './resilience/retry-budget.ts';
export type { Requester, RequestVerb, TraceBound } from './trace/bound.ts';
export type { FlowSummary, StepSummary } from './trace/flow-record.ts';
export type {
  Har,
  HarContent,
  HarCookie,
  HarCreator,
  HarEntry,
  HarNameValue,
  HarPage,
  HarPageTimings,
  HarRequest,
  HarResponse,
  HarTimings,
} from './trace/har.ts';
export type { LimitChange, LimitChangeRecord, LimitReason } from './trace/limit-change.ts';
export type { PolicyRecord } from './trace/policy-record.ts';
export type { AttemptRecord, Outcome, RequestRecord } from './trace/request-record.ts';
export type { SectionOutcome, SectionRecord } from './trace/section-record.ts';
export type { TracedFunction } from './trace/session-trace.ts';
export type { RequestSummary, TraceSummary } from './trace/summary.ts';
export { currentTrace, Trace, type TraceOptions } from './trace/trace.ts';
export type { WaterfallOptions } from './trace/waterfall.ts';

// OpenTelemetry spans for every session with `telemetry` on: only installs a source into the
// observer seam; `@opentelemetry/api` is looked up on the first such request (see trace/otel.ts).
installTelemetry();
