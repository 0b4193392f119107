import { type InspectOptionsStylized, inspect } from 'node:util';
import { CookieJar } from 'tough-cookie';
import { checkBoolean, checkInteger } from '../core/checks.ts';
import type { Inspect } from '../core/inspect.ts';
import { redactedParams, redactURL } from '../core/redact.ts';
import { fail, own, ownOptions, ownValue } from '../core/validate.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import { SessionClosedError } from '../errors/session-closed-error.ts';
import { TooManyRedirectsError } from '../errors/too-many-redirects-error.ts';
import { Call } from './call.ts';
import {
  coalescing,
  createFlightGroup,
  type FlightGroup,
  type FlightTicket,
  flightTicket,
  joinFlight,
} from './coalescing.ts';
import { BASE_CONFIG, type Config, DEFAULTS, merge } from './config.ts';
import { Cookies } from './cookies.ts';
import { callDeadline } from './deadline.ts';
import { Dispatchers } from './dispatchers.ts';
import type { Hooks } from './hooks.ts';
import { inspectSession } from './inspect-session.ts';
import { observation } from './observer.ts';
import type { RequestOptions, SessionOptions } from './options.ts';
import { PolicyChain } from './policy-chain.ts';
import { prepare, type URLRules } from './prepare.ts';
import type { PreparedRequest } from './prepared-request.ts';
import { followRedirect, redirectLocation } from './redirect.ts';
import type { Response } from './response.ts';
import { backoffDelay, isRetryableError, parseRetryAfter } from './retry.ts';
import { Exchange, type WireOptions } from './transport.ts';
import { parseBaseURL } from './url.ts';

/**
 * A call merged and validated, ready to send: what {@link FuturesSession} queues.
 * @internal
 */
export interface CallPlan {
  readonly request: PreparedRequest;
  readonly config: Config;
  readonly wire: WireOptions;
  /** The `performance.now()` time the call must end by (its page's or flow's), if any. */
  readonly deadline: number | undefined;
  /** Where the call coalesces with identical ones; absent when it does not. */
  readonly flight?: FlightTicket | undefined;
}

/** @internal Merges and validates a call without sending it; throws on bad input. */
export let planCall: (
  session: Session,
  method: string,
  url: string | URL,
  options: RequestOptions,
) => CallPlan;
/** @internal Sends a planned call as `call`, which the caller may stop at any time. */
export let runCall: (session: Session, plan: CallPlan, call: Call) => Promise<Response>;
/** @internal The session's `telemetry` option, for the observer of a call it did not start. */
export let telemetryOf: (session: Session) => boolean;

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
  // Wire options for requests that use the session config as is: [buffered, streamed].
  readonly #wire: readonly [WireOptions, WireOptions];
  // Set by close(); from then on every call fails with SessionClosedError.
  #isClosed = false;
  // Calls waiting out a retry backoff: close() stops them at once.
  readonly #sleeping = new Set<Call>();
  // The `telemetry` option: whether OpenTelemetry may observe this session's calls.
  readonly #telemetry: boolean;
  // Tells an exchange whether the session was closed; one function for all of them.
  readonly #checkClosed = () => this.#isClosed;
  // The `policies` option sorted by hook; undefined without policies (the loop then skips them).
  readonly #policies: PolicyChain | undefined;
  // The `coalesce` option: the session's own group of shared calls, or undefined.
  readonly #flights: FlightGroup | undefined;

  constructor(given: SessionOptions = {}) {
    if (typeof given !== 'object' || given === null) {
      throw new InvalidOptionError(`Expected session options to be an object, got ${typeof given}`);
    }
    const options = ownOptions(given);
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
    this.cookies = cookieStore(options.cookieJar);
    this.#telemetry =
      options.telemetry === undefined ? true : checkBoolean('telemetry', options.telemetry);
    this.#flights =
      options.coalesce !== undefined && checkBoolean('coalesce', options.coalesce)
        ? createFlightGroup()
        : undefined;
    this.#dispatchers = new Dispatchers({
      connections: checkInteger('connections', options.connections ?? DEFAULTS.connections, 1),
      keepAliveTimeout: checkInteger(
        'keepAliveTimeout',
        options.keepAliveTimeout ?? DEFAULTS.keepAliveTimeout,
        1,
      ),
      pipelining: checkInteger('pipelining', options.pipelining ?? DEFAULTS.pipelining, 1),
    });
    this.#wire = [this.#wireOptions(this.#config, false), this.#wireOptions(this.#config, true)];
    this.#policies = PolicyChain.compose(options.policies);
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
    let call: CallPlan;
    try {
      call = this.#plan(method, url, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#send(call, ownValue(options, 'signal', options.signal));
  }

  static {
    planCall = (session, method, url, options) => session.#plan(method, url, options);
    runCall = (session, plan, call) => session.#run(plan, call);
    telemetryOf = (session) => session.#telemetry;
  }

  // Merges and validates: every bad input throws here, before anything is queued or sent.
  #plan(method: string, url: string | URL, options: RequestOptions): CallPlan {
    if (this.#isClosed) {
      throw new SessionClosedError('The session is closed', {
        request: {
          method,
          url: String(url),
          redactedURL: () => redactURL(String(url), this.#rules.redactParams),
        },
      });
    }
    checkCallOptions(options);
    const config = merge(this.#config, options);
    // Before prepare(): a refusal after the body is encoded would leave its stream unread.
    const deadline = callDeadline(ownValue(options, 'deadline', options.deadline));
    const request = prepare(method, url, config, options, this.#rules);
    const isStream = ownValue(options, 'stream', options.stream) === true;
    const wire = sharesWire(config, this.#config)
      ? this.#wire[isStream ? 1 : 0]
      : this.#wireOptions(config, isStream);
    const flights = this.#flights ?? coalescing.scope?.();
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
    return { request, config, wire, deadline, flight };
  }

  #send(plan: CallPlan, signal: AbortSignal | undefined): Promise<Response> {
    if (plan.flight === undefined) return this.#sendNow(plan, signal);
    return joinFlight(plan.flight, plan.request, signal, (shared) => this.#sendNow(plan, shared));
  }

  #sendNow(plan: CallPlan, signal: AbortSignal | undefined): Promise<Response> {
    const observer = observation.observe?.(plan.request, this.#telemetry);
    observer?.asked();
    return this.#run(
      plan,
      new Call(plan.request, plan.config.timeout.total, signal, observer, plan.deadline),
    );
  }

  // One call: redirect hops (outer) and retries of a hop (inner) in one loop, so a request that
  // needs neither costs a single async frame.
  async #run(plan: CallPlan, call: Call): Promise<Response> {
    const { config, wire } = plan;
    const authOrigin = plan.request.origin;
    let hop = plan.request;
    let history: Response[] | undefined;
    let retryCount = 0;
    const policies = this.#policies;
    try {
      policies?.started(call);
      for (;;) {
        call.check();
        const jarCookie = this.cookies?.headerFor(hop.url) ?? '';
        // An observer that propagates trace context writes headers: it gets a copy.
        const request = needsWireCopy(hop, config, authOrigin, jarCookie)
          ? await this.#wireRequest(hop, config, authOrigin, jarCookie)
          : call.observer?.propagates === true
            ? hop.copy()
            : hop;
        let response: Response | undefined;
        let error: unknown;
        try {
          response = await (policies === undefined
            ? call.run(new Exchange(request, wire, call.observer?.attempt(request)))
            : policies.attempt(call, wire, request, retryCount));
        } catch (failure) {
          error = failure;
        }
        if (response !== undefined) this.#storeCookies(request, response);
        let delay =
          config.retry === undefined
            ? undefined
            : this.#retryDelay(call, request, config.retry, retryCount, response, error);
        if (
          delay !== undefined &&
          policies?.allowsRetry(call, request, response, error, retryCount + 1) === false
        ) {
          delay = undefined;
        }
        if (delay !== undefined) {
          retryCount++;
          await this.#beforeRetry(call, config, request, response, error, retryCount, delay);
          continue;
        }
        if (response === undefined) throw error;
        const location = config.maxRedirects === 0 ? undefined : redirectLocation(response);
        if (location === undefined) {
          if (history !== undefined) response.history = history;
          if (config.hooks?.afterResponse.length) {
            response = await this.#afterResponse(config.hooks.afterResponse, response);
          }
          call.observer?.ended(response, undefined);
          return response;
        }
        history = redirected(history, response, config.maxRedirects, hop);
        hop = followRedirect(hop, response, location);
        call.request = hop;
        retryCount = 0;
        await runHooks(config.hooks, 'beforeRedirect', { response, request: hop });
      }
    } catch (error) {
      call.observer?.ended(undefined, error);
      throw error;
    } finally {
      call.dispose();
    }
  }

  // Runs the afterResponse hooks on the final response; each may replace it.
  async #afterResponse(hooks: Hooks['afterResponse'], final: Response): Promise<Response> {
    let response = final;
    for (const hook of hooks) response = (await hook({ response })) ?? response;
    return response;
  }

  #storeCookies(request: PreparedRequest, response: Response): void {
    const setCookie = response.headers['set-cookie'];
    if (setCookie !== undefined) this.cookies?.store(request.url, setCookie);
  }

  // Discards the unread body of the outcome being retried, runs beforeRetry, sleeps the delay.
  async #beforeRetry(
    call: Call,
    config: Config,
    request: PreparedRequest,
    response: Response | undefined,
    error: unknown,
    retryCount: number,
    delay: number,
  ): Promise<void> {
    response?.body?.resume();
    await runHooks(config.hooks, 'beforeRetry', {
      request,
      response,
      error: error as Error | undefined,
      retryCount,
      delay,
    });
    await this.#sleep(call, delay);
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
   * Closes the session's pools. Requests in flight fail with {@link SessionClosedError}, and so
   * does every later call. Calling it again does nothing.
   */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    const reason = new SessionClosedError('The session was closed');
    for (const call of this.#sleeping) call.stop(reason);
    await this.#dispatchers.destroy(reason);
  }

  /** `await using session = new Session()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #wireOptions(config: Config, stream: boolean): WireOptions {
    return {
      dispatcher: this.#dispatchers.get(config.transport),
      headersTimeout: config.timeout.headers,
      bodyTimeout: config.timeout.body,
      connectTimeout: config.timeout.connect,
      maxBodySize: config.maxBodySize,
      decompress: config.decompress,
      stream,
      buffersRedirects: stream && config.maxRedirects > 0,
      isClosed: this.#checkClosed,
    };
  }

  // The delay before the next retry, or undefined when this outcome is final.
  #retryDelay(
    call: Call,
    request: PreparedRequest,
    policy: NonNullable<Config['retry']>,
    retryCount: number,
    response: Response | undefined,
    error: unknown,
  ): number | undefined {
    if (retryCount >= policy.limit || !policy.methods.has(request.method)) return undefined;
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
    return delay < call.remaining() ? delay : undefined;
  }

  async #sleep(call: Call, ms: number): Promise<void> {
    // close() may have run while the beforeRetry hooks did: then there is no backoff to wait.
    if (this.#isClosed)
      call.stop(new SessionClosedError('The session was closed', { request: call.request }));
    this.#sleeping.add(call);
    try {
      await call.sleep(ms);
    } finally {
      this.#sleeping.delete(call);
    }
  }

  // The request as it goes on the wire: jar and option cookies added, signed, hooks run.
  async #wireRequest(
    hop: PreparedRequest,
    config: Config,
    authOrigin: string,
    jarCookie: string,
  ): Promise<PreparedRequest> {
    const request = hop.copy();
    const headers = request.headers;
    if (headers.cookie === undefined) {
      const cookie = cookieHeader(
        jarCookie,
        hop.origin === authOrigin ? config.cookies : undefined,
      );
      if (cookie !== '') headers.cookie = cookie;
    }
    if (config.auth?.sign !== undefined && hop.origin === authOrigin)
      await config.auth.sign({ request });
    await runHooks(config.hooks, 'beforeRequest', { request });
    return request;
  }
}

// Whether a request's config needs no wire options of its own: the settings they are made of
// (merge() keeps those objects when a request does not override them) are the session's.
function sharesWire(config: Config, session: Config): boolean {
  return (
    config === session ||
    (config.transport === session.transport &&
      config.timeout === session.timeout &&
      config.maxBodySize === session.maxBodySize &&
      config.decompress === session.decompress &&
      config.maxRedirects > 0 === session.maxRedirects > 0)
  );
}

// Whether the wire request differs from the hop: cookies to add, a signer or hooks to run.
function needsWireCopy(
  hop: PreparedRequest,
  config: Config,
  authOrigin: string,
  jarCookie: string,
): boolean {
  if (jarCookie !== '' || (config.hooks?.beforeRequest.length ?? 0) > 0) return true;
  return (
    hop.origin === authOrigin && (config.auth?.sign !== undefined || config.cookies !== undefined)
  );
}

// The history after following `response`: fails once more than `max` redirects were followed.
function redirected(
  history: Response[] | undefined,
  response: Response,
  max: number,
  request: PreparedRequest,
): Response[] {
  const list = history ?? [];
  response.body?.resume();
  if (list.length >= max) {
    throw new TooManyRedirectsError(`More than ${max} redirects`, { request });
  }
  list.push(response);
  return list;
}

// The options of one call: an object, whose `signal` (read by the call, after planning) is an
// AbortSignal.
function checkCallOptions(options: RequestOptions): void {
  if (typeof options !== 'object' || options === null)
    fail('request options', 'an object', options);
  const signal = ownValue(options, 'signal', options.signal);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    fail('signal', 'an AbortSignal', signal);
  }
}

function cookieStore(option: SessionOptions['cookieJar']): Cookies | undefined {
  if (option === undefined || option === true) return new Cookies();
  if (option === false) return undefined;
  if (option instanceof CookieJar) return new Cookies(option);
  throw new InvalidOptionError('Expected `cookieJar` to be a boolean or a tough-cookie CookieJar');
}

function cookieHeader(
  fromJar: string,
  extra: Readonly<Record<string, string>> | undefined,
): string {
  if (extra === undefined) return fromJar;
  const pairs = new Map<string, string>();
  for (const pair of fromJar === '' ? [] : fromJar.split('; ')) {
    const at = pair.indexOf('=');
    pairs.set(pair.slice(0, at), pair.slice(at + 1));
  }
  for (const name of Object.keys(extra)) pairs.set(name, extra[name] as string);
  return [...pairs].map(([name, value]) => `${name}=${value}`).join('; ');
}

async function runHooks<K extends keyof Hooks>(
  hooks: Hooks | undefined,
  name: K,
  state: Parameters<Hooks[K][number]>[0],
): Promise<void> {
  if (hooks === undefined) return;
  for (const hook of hooks[name]) await (hook as (state: unknown) => unknown)(state);
}
