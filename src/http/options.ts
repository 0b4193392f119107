import type { Readable } from 'node:stream';
import type { CookieJar } from 'tough-cookie';
import type { Hooks } from './hooks.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { SessionPolicy } from './session-policy.ts';

/**
 * Header values as callers give them. Names are case-insensitive. A `null` value removes a header
 * set by the session; `undefined` is ignored; an array is sent as one header joined by `, `.
 */
export type HeadersInit =
  | Record<string, string | number | boolean | readonly string[] | null | undefined>
  | Headers;

/** Query parameters: a record (arrays repeat the key, `null`/`undefined` drop it) or `URLSearchParams`. */
export type ParamsInit =
  | Record<
      string,
      string | number | boolean | readonly (string | number | boolean)[] | null | undefined
    >
  | URLSearchParams;

/** State handed to an auth function. */
export interface AuthState {
  /** The request about to go on the wire; set `request.headers[...]` to sign it. */
  readonly request: PreparedRequest;
}

/**
 * Credentials: HTTP Basic, a bearer token, or a function that signs each request that goes on the
 * wire (every redirect hop and retry on the same origin). Auth is never sent to another origin.
 */
export type Auth =
  | {
      /** The Basic auth user name. */
      readonly username: string;
      /** Its password. */
      readonly password: string;
    }
  | {
      /** The token sent as `Authorization: Bearer <token>`. */
      readonly bearer: string;
    }
  | ((state: AuthState) => void | Promise<void>);

/** Per-phase timeouts in milliseconds. `false` switches a phase off. */
export interface TimeoutOptions {
  /** Establishing the TCP (and TLS) connection. @default 10_000 */
  connect?: number | false;
  /** From the request being sent to the response headers (time to first byte). @default false */
  headers?: number | false;
  /** Idle time between two chunks of the response body. @default false */
  body?: number | false;
  /** One deadline for the whole call, across redirects, retries and backoff. @default 30_000 */
  total?: number | false;
}

/** When and how to retry. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 2 */
  limit?: number;
  /** Methods that may be retried. POST and PATCH are not retried unless listed. @default ['GET','HEAD','OPTIONS','PUT','DELETE','TRACE'] */
  methods?: readonly string[];
  /** Response statuses that are retried. @default [408, 429, 500, 502, 503, 504] */
  statusCodes?: readonly number[];
  /** First backoff step in ms; attempt n waits a random time in [0, min(maxDelay, baseDelay·2ⁿ)]. @default 100 */
  baseDelay?: number;
  /** Upper bound of the exponential backoff in ms. @default 5_000 */
  maxDelay?: number;
  /** The longest `Retry-After` honoured, in ms; a longer one returns the response as is. @default 30_000 */
  maxRetryAfter?: number;
}

/** How to follow redirects. */
export interface RedirectOptions {
  /** Redirects followed before {@link TooManyRedirectsError}. @default 30 */
  max?: number;
}

/** TLS settings for https origins. */
export interface TLSOptions {
  /** Trusted CA certificates (PEM). @default Node's bundled roots */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** Client certificate (PEM) for mutual TLS. */
  cert?: string | Buffer;
  /** Client private key (PEM) for mutual TLS. */
  key?: string | Buffer;
  /** Verify the server certificate. Switching it off is dangerous. @default true */
  rejectUnauthorized?: boolean;
}

/** An HTTP(S) proxy: its URL, or its URL and the token for `Proxy-Authorization`. */
export type ProxyOptions =
  | string
  | URL
  | {
      /** The proxy's URL. */
      readonly uri: string | URL;
      /** Sent to the proxy as `Proxy-Authorization`. */
      readonly token?: string;
    };

/** Options a session and a single request share; request values win over session values. */
export interface CommonOptions {
  /** Headers; merged case-insensitively over the session's; `null` removes one. */
  headers?: HeadersInit;
  /** Query parameters; merged key by key over the session's; `null` removes one. */
  params?: ParamsInit;
  /** Credentials for the request's origin. See {@link Auth}. */
  auth?: Auth | null;
  /** Cookies to send (name → value), merged over the session's; never stored in the jar. */
  cookies?: Record<string, string>;
  /** A number means `{ total: n }`. @default { connect: 10_000, total: 30_000 } */
  timeout?: number | TimeoutOptions;
  /** A number means `{ limit: n }`; `false` means no retries. @default { limit: 2 } */
  retry?: number | false | RetryOptions;
  /** `false` returns 3xx responses as they are. @default { max: 30 } (`false` for `head()`) */
  redirect?: boolean | RedirectOptions;
  /** Lifecycle hooks; lists from the session and the request run one after the other. */
  hooks?: Partial<Hooks>;
  /** The largest response body accepted, after decompression, in bytes. @default 67_108_864 (64 MiB) */
  maxBodySize?: number;
  /** Ask for and decode gzip, deflate and br bodies. @default true */
  decompress?: boolean;
}

/**
 * The options of a {@link Session}: defaults for every request, plus transport settings.
 *
 * @example
 * ```ts
 * import { Session } from 'fanout';
 * const session = new Session({ baseURL: 'http://127.0.0.1:8080/api', timeout: 2_000 });
 * ```
 */
export interface SessionOptions extends CommonOptions, TLSOptions {
  /**
   * Prefix of every string URL. With a `baseURL`, a string URL is always a path below it: an
   * absolute (`http://other/`) or protocol-relative (`//evil/x`) string is refused with
   * {@link InvalidURLError} unless `allowAbsoluteURLs` is set or a `URL` object is passed.
   */
  baseURL?: string | URL;
  /** Let absolute string URLs bypass `baseURL`. @default false */
  allowAbsoluteURLs?: boolean;
  /** The cookie jar: `true` for a new empty one, a tough-cookie `CookieJar`, or `false` for none. @default true */
  cookieJar?: boolean | CookieJar;
  /** Route requests through this HTTP(S) proxy (undici's ProxyAgent). */
  proxy?: ProxyOptions;
  /** Connections kept per origin. @default 64 */
  connections?: number;
  /** How long an idle keep-alive socket is kept, in ms. @default 4_000 */
  keepAliveTimeout?: number;
  /** Requests pipelined on one connection (1 means no pipelining). @default 1 */
  pipelining?: number;
  /**
   * HTTP/2 on node:http2, beside the HTTP/1.1 pool: `true` negotiates it by ALPN on https origins
   * (an origin whose server picks HTTP/1.1 is remembered and served by the HTTP/1.1 pool; http
   * origins stay on HTTP/1.1), `'prior-knowledge'` speaks HTTP/2 without asking — cleartext h2c
   * on http origins, ALPN `h2` only on https — for service meshes and loopback. Requests through
   * a `proxy` stay on HTTP/1.1. See `docs/SESSION.md` (HTTP/2).
   *
   * @default false
   * @example
   * ```ts
   * import { Session } from 'fanout';
   * const session = new Session({ baseURL: 'https://127.0.0.1:8443', http2: true });
   * ```
   */
  http2?: boolean | 'prior-knowledge';
  /**
   * The most HTTP/2 sessions (connections) kept per origin when `http2` is on. Each carries as
   * many streams at once as the server's `SETTINGS_MAX_CONCURRENT_STREAMS` allows; another opens
   * only when the open ones are full, and requests beyond that wait in order.
   *
   * @default 1
   */
  http2Sessions?: number;
  /**
   * OpenTelemetry: when `@opentelemetry/api` is installed and an SDK has registered a tracer
   * provider, every request sent gets a CLIENT span (HTTP semantic conventions) and carries its
   * trace context (`traceparent`, `tracestate`) to the server. `false` turns both off for this
   * session (a {@link Trace} still records it). Without the package or an SDK nothing is done.
   *
   * @default true
   * @example
   * ```ts
   * import { Session } from 'fanout';
   * const quiet = new Session({ baseURL: 'http://127.0.0.1:8080', telemetry: false });
   * ```
   */
  telemetry?: boolean;
  /**
   * Policies that take part in every call: a retry budget, hedging, a circuit breaker, a cache
   * (see `docs/RESILIENCE.md`). Their order is the order of their `attempt` hooks, outermost
   * first. A session without policies pays nothing for them.
   *
   * @default []
   * @example
   * ```ts
   * import { CircuitBreaker, Hedging, RetryBudget, Session } from 'fanout';
   * const session = new Session({
   *   policies: [new CircuitBreaker(), new RetryBudget(), new Hedging({ delay: 50 })],
   * });
   * ```
   */
  policies?: readonly SessionPolicy[];
  /**
   * Single-flight: identical GET and HEAD calls of this session in flight at the same time go
   * over the wire once, and each caller gets its own {@link Response}. Identical means the same
   * URL, every header as sent (Authorization and the jar's cookies included) and the same call
   * options; a streamed call, a call with an `auth` function or `beforeRequest` hooks never
   * coalesces. To coalesce only within one unit of work, use a `CoalesceScope` instead.
   *
   * @default false
   * @example
   * ```ts
   * import { Session } from 'fanout';
   * const session = new Session({ baseURL: 'http://127.0.0.1:8080', coalesce: true });
   * const [a, b] = await Promise.all([session.get('/config'), session.get('/config')]); // one request
   * ```
   */
  coalesce?: boolean;
  /**
   * Query parameters whose values this session's errors replace by `REDACTED` — in the message,
   * `String(error)`, the stack and `error.request.url` — and so does a {@link Trace} recording
   * its requests unless the trace sets its own `redactParams`. Names are case-insensitive. URL
   * credentials are always removed, and no error carries a request's headers.
   *
   * @default ['access_token', 'api_key', 'apikey', 'auth', 'code', 'key', 'password', 'secret', 'sig', 'signature', 'token']
   * @example
   * ```ts
   * import { Session } from 'fanout';
   * const session = new Session({ redactParams: ['token', 'session_id'] });
   * ```
   */
  redactParams?: readonly string[];
}

/** A request body. Strings, bytes and Blobs are replayable (for retries and 307/308); streams are not. */
export type BodyInit =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | FormData
  | Readable
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** Options of one request. */
export interface RequestOptions extends CommonOptions, TLSOptions {
  /** A value sent as JSON (`content-type: application/json`). Not with `body` or `form`. */
  json?: unknown;
  /** Fields sent as `application/x-www-form-urlencoded`. Not with `body` or `json`. */
  form?: ParamsInit;
  /** A raw body; a `FormData` is sent as `multipart/form-data`. Not with `json` or `form`. */
  body?: BodyInit;
  /** Aborts the request; the call fails with {@link CancelledError}. */
  signal?: AbortSignal;
  /** Give the response body as a stream (`response.body`) instead of buffering it. @default false */
  stream?: boolean;
  /** A proxy for this request only. */
  proxy?: ProxyOptions;
  /**
   * The budget of the work this request is for: ms from now, or a point in time. The call ends by
   * the sooner of it, the `total` timeout and the context's `withDeadline` budget, with a
   * {@link TimeoutError} of phase `deadline` (at once if it has passed). For a FuturesSession it
   * counts from when the request is submitted, queueing included.
   */
  deadline?: number | Date;
}
