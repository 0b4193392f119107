import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkBoolean, checkFunction } from '../core/checks.ts';
import type { Exhaustive } from '../core/exhaustive.ts';
import { checkKnownOptions, fail, knownOptions, ownOptions } from '../core/validate.ts';
import { FUTURES_SESSION_OPTIONS } from '../futures/futures-session.ts';
import { CancelledError, FuturesSession, type FuturesSessionOptions, Trace } from '../index.ts';
import { RequestFanout } from './request-fanout.ts';

/** Options of {@link Fanout}. */
export interface FanoutOptions {
  /**
   * The session every incoming request shares: a `FuturesSession` (left open by
   * {@link Fanout.close}), or the options of one to create (closed by {@link Fanout.close}).
   *
   * @default {} (a new FuturesSession with its defaults)
   */
  session?: FuturesSession | FuturesSessionOptions;
  /**
   * Give every incoming request its own {@link Trace}, named `METHOD /path` (never the query):
   * requests made through its view join it.
   *
   * @default true
   */
  trace?: boolean;
  /**
   * Also run the rest of each request's handling inside its trace's AsyncLocalStorage context,
   * so that requests made with any session (not only through the view, e.g. by a library) join
   * the trace too. Costs more: on Node 20, AsyncLocalStorage turns on promise hooks for the whole
   * process. Ignored without `trace`.
   *
   * @default false
   */
  traceContext?: boolean;
}

/** A node:http request handler that also receives the request's {@link RequestFanout}. */
export type FanoutHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  fanout: RequestFanout,
) => unknown;

/**
 * Told about an error of a {@link FanoutHandler}, other than the cancellation that follows the
 * client's disconnect (nobody is left to answer then).
 */
export type FanoutErrorHandler = (
  error: unknown,
  request: IncomingMessage,
  response: ServerResponse,
) => void;

/** `new Fanout(options)` and the Fastify plugin's options. @internal */
export const FANOUT_OPTIONS = knownOptions(
  'Fanout options',
  { session: true, trace: true, traceContext: true } satisfies Exhaustive<FanoutOptions, true>,
  [{ ...FUTURES_SESSION_OPTIONS, where: 'FuturesSession options (they go under `session`)' }],
);

/** Where {@link Fanout.open} keeps a response's view (a property: no map, no closure per request). */
const VIEW = Symbol('fanout.view');

type Tagged = ServerResponse & { [VIEW]?: RequestFanout };

/**
 * "Middleware to install a persistent session on to the request object": one shared
 * {@link FuturesSession} (executor and connection pool) for a whole server app, and for each
 * incoming request a {@link RequestFanout} view with its own trace, whose outstanding futures are
 * cancelled when the client disconnects before the response has finished — only that request's.
 * The Express and Fastify glue (`fanout/express`, `fanout/fastify`) is built on it.
 *
 * @example
 * <!-- fragment: `render` is the app's own
 * declare function render(user: unknown, cart: unknown): string;
 * -->
 * ```ts
 * import { createServer } from 'node:http';
 * import { Fanout } from 'fanout/node';
 *
 * const fanout = new Fanout({ session: { baseURL: 'http://127.0.0.1:8080' } });
 * const server = createServer(
 *   fanout.handler(async (req, res, view) => {
 *     const [user, cart] = await Promise.all([view.get('/user'), view.get('/cart')]);
 *     res.setHeader('server-timing', view.trace?.serverTiming() ?? '');
 *     res.end(render(user.json(), cart.json()));
 *   }),
 * );
 * server.on('close', () => fanout.close());
 * ```
 */
export class Fanout {
  /** The session every incoming request shares. */
  readonly session: FuturesSession;
  /** Whether {@link close} closes the session: only when this object created it. */
  readonly #ownsSession: boolean;
  readonly #isTraced: boolean;
  /** Whether {@link within} enters the trace's AsyncLocalStorage context. */
  readonly #isContextTraced: boolean;

  /**
   * Creates the app's shared session (or adopts the one given).
   *
   * @throws {InvalidOptionError} for an option of the wrong type or an unknown option (session
   * options such as `baseURL` go under `session`).
   */
  constructor(options: FanoutOptions = {}) {
    if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
    checkKnownOptions(options, FANOUT_OPTIONS);
    const { session = {}, trace = true, traceContext = false } = ownOptions(options);
    checkBoolean('trace', trace);
    checkBoolean('traceContext', traceContext);
    if (typeof session !== 'object' || session === null) {
      fail('session', 'a FuturesSession or its options', session);
    }
    this.#isTraced = trace;
    this.#isContextTraced = trace && traceContext;
    this.#ownsSession = !(session instanceof FuturesSession);
    this.session = session instanceof FuturesSession ? session : new FuturesSession(session);
  }

  /**
   * The view of one incoming request: made on the first call for a response, the same one after.
   * From now on, the response closing before it has finished (the client went away) cancels the
   * view's outstanding futures; the response closing either way ends its trace.
   */
  open(request: IncomingMessage, response: ServerResponse): RequestFanout {
    const tagged = response as Tagged;
    const opened = tagged[VIEW];
    if (opened !== undefined) return opened;
    const trace = this.#isTraced ? new Trace({ name: traceName(request) }) : undefined;
    const view = new RequestFanout(this.session, trace, response);
    tagged[VIEW] = view;
    if (response.destroyed) onResponseClose.call(tagged);
    else response.once('close', onResponseClose);
    return view;
  }

  /**
   * Calls `fn` — the rest of a request's handling — inside the view's trace context when the app
   * asked for `traceContext`, or just calls it. The adapters call it; a hand-written one can too.
   */
  within<T>(view: RequestFanout, fn: () => T): T {
    if (!this.#isContextTraced || view.trace === undefined) return fn();
    return view.trace.run(fn);
  }

  /**
   * A node:http request listener that opens the request's view and calls `fn` with it (inside
   * the view's trace context with `traceContext`). An error (a throw or a rejection) of `fn`
   * goes to `onError`, except the `CancelledError` of a request whose client is gone.
   *
   * @param onError - by default, answers 500 (or, once the headers are out, destroys the
   * response) and logs the error with `console.error`, as Express's final handler does.
   * @throws {InvalidOptionError} if `fn` or `onError` is not a function.
   */
  handler(
    fn: FanoutHandler,
    onError: FanoutErrorHandler = answerError,
  ): (request: IncomingMessage, response: ServerResponse) => void {
    checkFunction('fn', fn);
    checkFunction('onError', onError);
    return (request, response) => {
      const view = this.open(request, response);
      const run = () => fn(request, response, view);
      let outcome: unknown;
      try {
        outcome = this.within(view, run);
      } catch (error) {
        outcome = Promise.reject(error);
      }
      Promise.resolve(outcome).catch((error: unknown) => {
        if (view.isCancelled && error instanceof CancelledError) return;
        onError(error, request, response);
      });
    };
  }

  /**
   * Closes the session if this object created it (waiting for the requests in flight); a session
   * given in the options is left open.
   */
  async close(): Promise<void> {
    if (this.#ownsSession) await this.session.close();
  }

  /** `await using fanout = new Fanout()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** `GET /path`: the method and path of an incoming request, never its query. */
function describeRequest(request: IncomingMessage): { method: string; url: string } {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return { method: request.method ?? 'GET', url: query === -1 ? url : url.slice(0, query) };
}

function traceName(request: IncomingMessage): string {
  const { method, url } = describeRequest(request);
  return `${method} ${url}`;
}

/**
 * The `close` listener of every opened response (one function for all: `this` is the response).
 * Unfinished, the client went away: its view's futures are cancelled.
 */
function onResponseClose(this: Tagged): void {
  const view = this[VIEW];
  if (view === undefined) return;
  if (!this.writableFinished) {
    view.cancelAll(
      new CancelledError('The client disconnected before the response was finished', {
        request: describeRequest(this.req),
      }),
    );
  }
  view.trace?.end();
}

function answerError(error: unknown, _request: IncomingMessage, response: ServerResponse): void {
  console.error(error);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.statusCode = 500;
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.end('Internal Server Error');
}
