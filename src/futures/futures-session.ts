import { type InspectOptionsStylized, inspect } from 'node:util';
import { checkPriority } from '../core/checks.ts';
import type { Exhaustive } from '../core/exhaustive.ts';
import type { Inspect } from '../core/inspect.ts';
import { checkKnownOptions, fail, knownOptions, ownOptions, ownValue } from '../core/validate.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import type { Cookies } from '../http/cookies.ts';
import { FUTURE_REQUEST_OPTIONS, SESSION_OPTION_NAMES } from '../http/known-options.ts';
import type { RequestOptions, SessionOptions } from '../http/options.ts';
import { type PlannedCall, planCall } from '../http/planned-call.ts';
import type { Response } from '../http/response.ts';
import { type NoBodyOptions, Session } from '../http/session.ts';
import { runTraced, type TracedFunction } from '../trace/session-trace.ts';
import type { TraceOptions } from '../trace/trace.ts';
import { type ConcurrencyLimit, isConcurrencyLimit } from './concurrency-limit.ts';
import { Executor, submitRunnable } from './executor.ts';
import { Future } from './future.ts';
import { FutureVerbs } from './future-verbs.ts';
import { FuturesScope } from './futures-scope.ts';
import { inspectFuturesSession } from './inspect-executor.ts';
import { CLOSE_OPTIONS } from './known-options.ts';
import { memberFuture } from './member-future.ts';

/** Options of {@link FuturesSession}: every {@link SessionOptions} plus the executor's. */
export interface FuturesSessionOptions extends SessionOptions {
  /**
   * Requests in flight at once. The session's pool keeps as many connections per origin, as
   * requests-futures sizes `pool_maxsize` to `max_workers`. Ignored when `executor` is given.
   *
   * @default 128 — a Node request in flight costs a socket and a few KiB, not a thread, so the
   * default covers a page's whole fan-out (requests-futures' 8 threads would serialise it).
   */
  maxWorkers?: number;
  /**
   * Requests in flight per origin (the executor's `perKey`): a number, or a limit that follows
   * each origin's measured latency, such as `adaptiveLimit({ algorithm: 'gradient' })`. Ignored
   * when `executor` is given.
   *
   * @default Infinity
   */
  maxPerOrigin?: number | ConcurrencyLimit;
  /** Requests that may wait in the queue; beyond it a verb returns a failed future ({@link QueueFullError}). @default Infinity */
  maxQueued?: number;
  /** Run on this executor instead of an own one; it is not shut down by {@link FuturesSession.close}. */
  executor?: Executor;
  /**
   * Wrap this session instead of creating one. Its own defaults apply; giving any other
   * session option alongside is an error rather than silently ignored. It is not closed by
   * {@link FuturesSession.close}.
   */
  session?: Session;
}

/** Options of one request of a {@link FuturesSession}. */
export interface FutureRequestOptions extends RequestOptions {
  /** Queued requests with a higher priority start first. @default 0 */
  priority?: number;
}

/** Body-less options of one request of a {@link FuturesSession}. */
export type FutureNoBodyOptions = NoBodyOptions & {
  /** Queued requests with a higher priority start first. @default 0 */
  priority?: number;
};

/** Options of {@link FuturesSession.close}. */
export interface CloseOptions {
  /** Cancel the requests still queued (running ones finish). @default false */
  cancelPending?: boolean;
}

const DEFAULT_MAX_WORKERS = 128;
const NO_OPTIONS: FutureRequestOptions = Object.freeze({});
// The options a FuturesSession adds to SessionOptions: every one of them, checked by the compiler.
const OWN_OPTIONS = {
  maxWorkers: true,
  maxPerOrigin: true,
  maxQueued: true,
  executor: true,
  session: true,
} as const satisfies Exhaustive<Omit<FuturesSessionOptions, keyof SessionOptions>, true>;
/** The names of every FuturesSession option. @internal */
export const FUTURES_SESSION_OPTIONS = knownOptions('FuturesSession options', {
  ...SESSION_OPTION_NAMES,
  ...OWN_OPTIONS,
});
// Beside `session`: only the executor's options; a session option would be silently ignored.
const WRAPPING_OPTIONS = knownOptions('FuturesSession options beside `session`', OWN_OPTIONS);

/**
 * Throws for a session option given with `session` (the wrapped session's own defaults apply).
 * One left `undefined` sets nothing (a spread of a full options object) and is let through.
 */
function checkWrapped(options: FuturesSessionOptions): void {
  const given = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  );
  checkKnownOptions(given, WRAPPING_OPTIONS, (key) => {
    throw new InvalidOptionError(
      `Session option ${JSON.stringify(key)} cannot be combined with \`session\`: the wrapped session's own defaults apply. Set it on that session instead.`,
    );
  });
}

/** The most requests `maxPerOrigin` ever lets run per origin: the pool keeps as many sockets. */
function perOriginCeiling(maxPerOrigin: FuturesSessionOptions['maxPerOrigin']): number {
  if (isConcurrencyLimit(maxPerOrigin)) return maxPerOrigin.max;
  return maxPerOrigin ?? Number.POSITIVE_INFINITY;
}

/**
 * requests-futures for TypeScript: every verb returns a {@link Future} of the {@link Response}
 * at once, and the request runs on a bounded {@link Executor} — at most `maxWorkers` in flight,
 * optionally `maxPerOrigin` per origin. Bad input gives an already-failed future, never queued.
 * `afterResponse` hooks run in the background before the future resolves.
 *
 * @example
 * ```ts
 * import { FuturesSession } from 'fanout';
 *
 * await using session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080', maxWorkers: 16 });
 * const user = session.get('/me');          // Future<Response>, already running
 * const recs = session.get('/recs');
 * console.log((await user).json(), (await recs.result({ timeout: 500 })).status);
 * ```
 */
export class FuturesSession extends FutureVerbs {
  /** The session that sends the requests. */
  readonly session: Session;
  /** The executor that bounds them. */
  readonly executor: Executor;
  // Whether close() shuts down the executor / closes the session: only what this object created.
  readonly #ownsExecutor: boolean;
  readonly #ownsSession: boolean;

  constructor(given: FuturesSessionOptions = {}) {
    super();
    if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
    const options = ownOptions(given);
    checkKnownOptions(options, FUTURES_SESSION_OPTIONS);
    const { maxWorkers, maxPerOrigin, maxQueued, executor, session, ...sessionOptions } = options;
    if (executor !== undefined && !(executor instanceof Executor)) {
      fail('executor', 'an Executor', executor);
    }
    if (session !== undefined && !(session instanceof Session)) {
      fail('session', 'a Session', session);
    }
    this.#ownsExecutor = executor === undefined;
    this.executor =
      executor ??
      new Executor({
        maxWorkers: maxWorkers ?? DEFAULT_MAX_WORKERS,
        ...(maxPerOrigin !== undefined && { perKey: maxPerOrigin }),
        ...(maxQueued !== undefined && { maxQueued }),
      });
    this.#ownsSession = session === undefined;
    if (session !== undefined) {
      checkWrapped(options);
      this.session = session;
    } else {
      this.session = new Session({
        connections: Math.min(this.executor.maxWorkers, perOriginCeiling(maxPerOrigin)),
        ...sessionOptions,
      });
    }
  }

  /** What `console.log` prints: base URL (redacted), limits, counts, closed (docs/FUTURES.md). */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn: Inspect): string {
    return inspectFuturesSession(this, depth, options, inspectFn);
  }

  /** The session's cookie jar. */
  get cookies(): Cookies | undefined {
    return this.session.cookies;
  }

  /**
   * Queues a request and returns its future at once. Cancelling the future (or aborting its
   * `signal`) removes a queued request or aborts a running one (its socket is released). Its
   * `total` timeout counts from now, queue time included; a request still queued when that or its
   * deadline passes leaves the queue unsent and fails with the {@link TimeoutError} a running one
   * would get.
   */
  request(
    method: string,
    url: string | URL,
    options: FutureRequestOptions = NO_OPTIONS,
  ): Future<Response> {
    try {
      checkKnownOptions(options, FUTURE_REQUEST_OPTIONS);
      // Checked before planning, which encodes the body: a refusal after it would leave a body
      // stream unread.
      const priority = checkPriority('priority', ownValue(options, 'priority', options?.priority));
      const call = this.session[planCall](method, url, options);
      const { signal } = call;
      const future =
        call.flight === undefined
          ? this.#submit(call, priority, signal)
          : // Identical to calls in flight: one queued call for all of them, a future for each
            // caller; the tracer watches the caller whose call was queued.
            memberFuture(() => call.join((shared) => this.#submit(call, priority, shared)), signal);
      call.bind(future);
      return future;
    } catch (error) {
      return Future.reject(error) as Future<Response>;
    }
  }

  // Queues `call` on the executor. When the executor refuses it (full queue, shut down), its
  // tracer is told the call ended with that error, so the trace holds no call pending forever.
  #submit(
    call: PlannedCall,
    priority: number | undefined,
    signal: AbortSignal | undefined,
  ): Future<Response> {
    call.queue();
    try {
      return this.executor[submitRunnable](call, { key: call.request.origin, priority, signal });
    } catch (error) {
      call.refused(error);
      throw error;
    }
  }

  /**
   * A view of this session for one unit of work (such as one incoming request): it shares the
   * executor and pool, and its {@link FuturesScope.cancelAll} cancels only its own futures.
   *
   * @example
   * ```ts
   * import { FuturesSession } from 'fanout';
   *
   * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
   * const scope = session.scope();
   * const user = scope.get('/user');
   * scope.cancelAll('the client disconnected'); // cancels `user`, nothing else
   * ```
   */
  scope(): FuturesScope {
    return new FuturesScope(this);
  }

  /**
   * Runs `fn` in a new {@link Trace}, as {@link Session.trace} does: the requests it makes
   * (their futures, and how long each was waited for) are recorded in the trace.
   *
   * @example
   * <!-- fragment: a method of `session`; `render` is the app's own
   * import { FuturesSession, type Response } from 'fanout';
   * declare function render(user: Response, recs: Response): string;
   * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
   * -->
   * ```ts
   * const page = await session.trace(async (trace) => {
   *   const user = session.get('/me');
   *   const recs = session.get('/recs');
   *   const html = render(await user, await recs);
   *   return { html, timing: trace.serverTiming() };
   * });
   * ```
   */
  trace<T>(fn: TracedFunction<T>, options?: TraceOptions): Promise<Awaited<T>> {
    return runTraced(fn, options);
  }

  /**
   * Stops taking requests, waits for the running ones (and the queued ones unless
   * `cancelPending`), then closes the session. An executor or session passed in is left open.
   * Unlike requests-futures' `close()`, cancelling pending work really cancels it.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    checkKnownOptions(options, CLOSE_OPTIONS);
    const cancelPending = ownValue(options, 'cancelPending', options.cancelPending) === true;
    if (this.#ownsExecutor) await this.executor.shutdown({ cancelPending });
    if (this.#ownsSession) await this.session.close();
  }

  /** `await using session = new FuturesSession()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
