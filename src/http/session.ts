import { type InspectOptionsStylized, inspect } from 'node:util';
import { checkBoolean, checkInteger } from '../core/checks.ts';
import type { Inspect } from '../core/inspect.ts';
import { redactedParams, redactURL } from '../core/redact.ts';
import { checkKnownOptions, fail, own, ownOptions, ownValue } from '../core/validate.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import { SessionClosedError } from '../errors/session-closed-error.ts';
import { runTraced, type TracedFunction } from '../trace/session-trace.ts';
import type { TraceOptions } from '../trace/trace.ts';
import { CallLoop } from './call-loop.ts';
import {
  createFlightGroup,
  type FlightGroup,
  flightTicket,
  scopeFlightGroup,
} from './coalescing.ts';
import { BASE_CONFIG, type Config, DEFAULTS, merge } from './config.ts';
import { type Cookies, cookieStore } from './cookies.ts';
import { callDeadline } from './deadline.ts';
import { Dispatchers } from './dispatchers.ts';
import { http2Settings } from './h2/http2-mode.ts';
import { inspectSession } from './inspect-session.ts';
import { REQUEST_OPTIONS, SESSION_OPTIONS } from './known-options.ts';
import type { RequestOptions, SessionOptions } from './options.ts';
import { PlannedCall, planCall } from './planned-call.ts';
import { PolicyChain } from './policy-chain.ts';
import { prepare, type URLRules } from './prepare.ts';
import type { Response } from './response.ts';
import { SessionWire } from './session-wire.ts';
import { parseBaseURL } from './url.ts';

const NO_OPTIONS: RequestOptions = Object.freeze({});

/** Options of a call: request options, no body fields for body-less verbs. */
export type NoBodyOptions = Omit<RequestOptions, 'json' | 'form' | 'body'>;

/**
 * A requests-style HTTP session on undici: defaults merged into every request, a cookie jar,
 * keep-alive pools, redirects, retries, timeouts and hooks, and a buffered {@link Response}.
 *
 * @example
 * ```ts
 * import { Session } from 'fanout';
 * const session = new Session({ baseURL: 'http://127.0.0.1:8080', headers: { 'x-app': 'shop' } });
 * const response = await session.get('/users', { params: { page: 2 } });
 * console.log(response.status, response.json());
 * await session.close();
 * ```
 */
export class Session {
  /** The session's cookie jar (`undefined` when created with `cookieJar: false`). */
  readonly cookies: Cookies | undefined;
  // Session options merged over the defaults, validated once.
  readonly #config: Config;
  readonly #rules: URLRules;
  readonly #dispatchers: Dispatchers;
  // The wire options of the session's calls (pool, timeouts, body limit).
  readonly #wire: SessionWire;
  // Set by close(); from then on every call fails with SessionClosedError.
  #isClosed = false;
  // Tells exchanges and the call loop whether the session was closed; one function for all.
  readonly #checkClosed = () => this.#isClosed;
  // Runs every call of the session: attempts, retries, redirects (one object, made here).
  readonly #loop: CallLoop;
  // The `coalesce` option: the session's own group of shared calls, or undefined.
  readonly #flights: FlightGroup | undefined;

  constructor(given: SessionOptions = {}) {
    if (typeof given !== 'object' || given === null) {
      throw new InvalidOptionError(`Expected session options to be an object, got ${typeof given}`);
    }
    const options = ownOptions(given);
    checkKnownOptions(options, SESSION_OPTIONS);
    this.#config = merge(BASE_CONFIG, options);
    const redactParams = redactedParams('redactParams', options.redactParams);
    this.#rules = {
      base: options.baseURL === undefined ? undefined : parseBaseURL(options.baseURL, redactParams),
      allowAbsoluteURLs:
        options.allowAbsoluteURLs === undefined
          ? false
          : checkBoolean('allowAbsoluteURLs', options.allowAbsoluteURLs),
      redactParams,
    };
    this.cookies = cookieStore(options.cookieJar, redactParams);
    const telemetry =
      options.telemetry === undefined ? true : checkBoolean('telemetry', options.telemetry);
    this.#flights =
      options.coalesce !== undefined && checkBoolean('coalesce', options.coalesce)
        ? createFlightGroup()
        : undefined;
    const keepAliveTimeout = checkInteger(
      'keepAliveTimeout',
      options.keepAliveTimeout ?? DEFAULTS.keepAliveTimeout,
      1,
    );
    this.#dispatchers = new Dispatchers({
      connections: checkInteger('connections', options.connections ?? DEFAULTS.connections, 1),
      keepAliveTimeout,
      pipelining: checkInteger('pipelining', options.pipelining ?? DEFAULTS.pipelining, 1),
      http2: http2Settings(options.http2, options.http2Sessions, keepAliveTimeout),
    });
    this.#wire = new SessionWire(this.#dispatchers, this.#config, this.#checkClosed);
    this.#loop = new CallLoop(
      this.cookies,
      PolicyChain.compose(options.policies),
      telemetry,
      this.#checkClosed,
    );
  }

  /** What `console.log` prints: base URL (redacted), limits, closed (see docs/SESSION.md). */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn: Inspect): string {
    return inspectSession(this, this.#config, depth, options, inspectFn);
  }

  /**
   * The `baseURL` option as relative URLs are resolved against it (scheme, host, port and path;
   * its query is not used), redacted like every URL fanout shows; `undefined` without one.
   */
  get baseURL(): string | undefined {
    const base = this.#rules.base;
    return base && redactURL(`${base.origin}${base.pathPrefix}`, this.#rules.redactParams);
  }

  /** Whether {@link Session.close} was called. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /**
   * Sends a request and resolves with its response (of any status; see
   * {@link Response.raiseForStatus}). Bad input rejects with a typed error before anything is sent.
   */
  request(
    method: string,
    url: string | URL,
    options: RequestOptions = NO_OPTIONS,
  ): Promise<Response> {
    let call: PlannedCall;
    try {
      checkKnownOptions(options, REQUEST_OPTIONS);
      call = this.#plan(method, url, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return call.send();
  }

  /** @internal Plans a call without sending it (see {@link planCall}); throws on bad input. */
  [planCall](method: string, url: string | URL, options: RequestOptions): PlannedCall {
    return this.#plan(method, url, options);
  }

  // Merges and validates: every bad input throws here, before anything is queued or sent.
  #plan(method: string, url: string | URL, options: RequestOptions): PlannedCall {
    if (this.#isClosed) {
      throw new SessionClosedError('The session is closed', {
        request: {
          method,
          url: String(url),
          redactedURL: () => redactURL(String(url), this.#rules.redactParams),
        },
      });
    }
    const signal = checkCallOptions(options);
    const config = merge(this.#config, options);
    // Before prepare(): a refusal after the body is encoded would leave its stream unread.
    const deadline = callDeadline(ownValue(options, 'deadline', options.deadline));
    const request = prepare(method, url, config, options, this.#rules);
    const isStream = ownValue(options, 'stream', options.stream) === true;
    const wire = this.#wire.of(config, isStream);
    const flights = this.#flights ?? scopeFlightGroup();
    const flight =
      flights === undefined
        ? undefined
        : flightTicket(flights, request, {
            session: this,
            config,
            jarCookie: this.cookies?.headerFor(request.url) ?? '',
            isStream,
            deadline,
          });
    return new PlannedCall(this.#loop, request, config, wire, deadline, flight, signal);
  }

  /** `GET url`. */
  get(url: string | URL, options?: NoBodyOptions): Promise<Response> {
    return this.request('GET', url, options);
  }

  /** `HEAD url`. Redirects are not followed unless `redirect` is given (as in requests). */
  head(url: string | URL, options?: NoBodyOptions): Promise<Response> {
    return this.request(
      'HEAD',
      url,
      own(options, 'redirect') === undefined ? { ...options, redirect: false } : options,
    );
  }

  /** `OPTIONS url`. */
  options(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('OPTIONS', url, options);
  }

  /** `POST url`, usually with `json`, `form` or `body`. Not retried unless `retry.methods` says so. */
  post(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('POST', url, options);
  }

  /** `PUT url`. */
  put(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('PUT', url, options);
  }

  /** `PATCH url`. Not retried unless `retry.methods` says so. */
  patch(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('PATCH', url, options);
  }

  /** `DELETE url`. */
  delete(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('DELETE', url, options);
  }

  /**
   * Runs `fn` in a new {@link Trace}: every request made inside it (by any session) joins the
   * trace, which ends when `fn` settles. Resolves with what `fn` returns.
   *
   * @example
   * <!-- fragment: a method of `session`; `response` and `render` are the app's own
   * import type { ServerResponse } from 'node:http';
   * import { Session } from 'fanout';
   * declare const response: ServerResponse;
   * declare function render(user: unknown): string;
   * const session = new Session({ baseURL: 'http://127.0.0.1:8080' });
   * -->
   * ```ts
   * const html = await session.trace(async (trace) => {
   *   const user = await session.get('/me');
   *   response.setHeader('server-timing', trace.serverTiming());
   *   return render(user.json());
   * }, { name: 'home page' });
   * ```
   */
  trace<T>(fn: TracedFunction<T>, options?: TraceOptions): Promise<Awaited<T>> {
    return runTraced(fn, options);
  }

  /**
   * Closes the session's pools. Requests in flight fail with {@link SessionClosedError}, and so
   * does every later call. Calling it again does nothing.
   */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    const reason = new SessionClosedError('The session was closed');
    this.#loop.stopBackoffs(reason);
    await this.#dispatchers.destroy(reason);
  }

  /** `await using session = new Session()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

// The options of one call: an object, whose `signal`, read once here, is an AbortSignal.
function checkCallOptions(options: RequestOptions): AbortSignal | undefined {
  if (typeof options !== 'object' || options === null)
    fail('request options', 'an object', options);
  const signal = ownValue(options, 'signal', options.signal);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    fail('signal', 'an AbortSignal', signal);
  }
  return signal;
}
