/**
 * The public surface of the http layer: `Session`, a requests-style client on undici, with its
 * options, hooks, requests, responses, cookie jar and the policy seam resilience plugs into.
 * Deliberately left out: the call, the transport and its dispatchers, config merging, preparation,
 * redirect and retry decisions, the observer and coalescing seams, and the session's internal
 * call plan, which are not API.
 */

export { Cookies } from './cookies.ts';
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
} from './hooks.ts';
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
} from './options.ts';
export { PreparedRequest, type WireBody } from './prepared-request.ts';
export { Response, type ResponseHeaders } from './response.ts';
export { type NoBodyOptions, Session } from './session.ts';
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
} from './session-policy.ts';
