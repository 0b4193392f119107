import type { Exhaustive } from '../core/exhaustive.ts';
import { type KnownOptions, knownOptions } from '../core/validate.ts';
import type { Hooks } from './hooks.ts';
import type {
  Auth,
  ProxyOptions,
  RedirectOptions,
  RequestOptions,
  RetryOptions,
  SessionOptions,
  TimeoutOptions,
} from './options.ts';
import { REQUEST_OPTION_KINDS } from './request-option-kinds.ts';

/**
 * The names of every {@link SessionOptions} key (the compiler holds the list), for the
 * {@link FuturesSession} options that extend them.
 *
 * @internal
 */
export const SESSION_OPTION_NAMES = {
  headers: true,
  params: true,
  auth: true,
  cookies: true,
  timeout: true,
  retry: true,
  redirect: true,
  hooks: true,
  maxBodySize: true,
  decompress: true,
  ca: true,
  cert: true,
  key: true,
  rejectUnauthorized: true,
  baseURL: true,
  allowAbsoluteURLs: true,
  cookieJar: true,
  proxy: true,
  connections: true,
  keepAliveTimeout: true,
  pipelining: true,
  http2: true,
  http2Sessions: true,
  telemetry: true,
  policies: true,
  coalesce: true,
  redactParams: true,
} as const satisfies Exhaustive<SessionOptions, true>;

const { priority: _futuresOnly, ...SESSION_REQUEST_KINDS } = REQUEST_OPTION_KINDS;
const SESSION_ONLY = knownOptions('session options', SESSION_OPTION_NAMES);

/**
 * The options of one request of a {@link FuturesSession}: every request option and `priority`
 * (test/http/option-registry-types.test.ts holds the registry to `FutureRequestOptions`).
 *
 * @internal
 */
export const FUTURE_REQUEST_OPTIONS: KnownOptions = knownOptions(
  'FuturesSession request options',
  REQUEST_OPTION_KINDS,
  [SESSION_ONLY],
);

/**
 * The options of one request of a {@link Session}: every {@link RequestOptions} key; a
 * session-only name (`baseURL`) or a FuturesSession one (`priority`) is unknown here, and its
 * message says where it belongs.
 *
 * @internal
 */
export const REQUEST_OPTIONS: KnownOptions = knownOptions(
  'request options',
  SESSION_REQUEST_KINDS satisfies Exhaustive<RequestOptions, unknown>,
  [SESSION_ONLY, FUTURE_REQUEST_OPTIONS],
);

/**
 * The options of a {@link Session}: every {@link SessionOptions} key; a request-only name
 * (`json`, `signal`) is unknown here, and its message says so.
 *
 * @internal
 */
export const SESSION_OPTIONS: KnownOptions = knownOptions('session options', SESSION_OPTION_NAMES, [
  REQUEST_OPTIONS,
]);

/** The keys of the `timeout` option's object. @internal */
export const TIMEOUT_OPTIONS: KnownOptions = knownOptions('timeout options', {
  connect: true,
  headers: true,
  body: true,
  total: true,
} satisfies Exhaustive<TimeoutOptions, true>);

/** The keys of the `retry` option's object. @internal */
export const RETRY_OPTIONS: KnownOptions = knownOptions('retry options', {
  limit: true,
  methods: true,
  statusCodes: true,
  baseDelay: true,
  maxDelay: true,
  maxRetryAfter: true,
} satisfies Exhaustive<RetryOptions, true>);

/** The keys of the `redirect` option's object. @internal */
export const REDIRECT_OPTIONS: KnownOptions = knownOptions('redirect options', {
  max: true,
} satisfies Exhaustive<RedirectOptions, true>);

/** The hook lists of the `hooks` option. @internal */
export const HOOK_OPTIONS: KnownOptions = knownOptions('hooks', {
  beforeRequest: true,
  beforeRedirect: true,
  beforeRetry: true,
  afterResponse: true,
} satisfies Exhaustive<Hooks, true>);

/** The keys of the `auth` option's objects (Basic credentials or a bearer token). @internal */
export const AUTH_OPTIONS: KnownOptions = knownOptions('auth options', {
  username: true,
  password: true,
  bearer: true,
} satisfies Exhaustive<
  Extract<Auth, { username: string }> & Extract<Auth, { bearer: string }>,
  true
>);

/** The keys of the `proxy` option's object. @internal */
export const PROXY_OPTIONS: KnownOptions = knownOptions('proxy options', {
  uri: true,
  token: true,
} satisfies Exhaustive<Exclude<ProxyOptions, string | URL>, true>);
