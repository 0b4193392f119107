import { fail } from '../core/validate.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import type { Response } from '../http/response.ts';
import { type Canceller, Future, futureController } from './future.ts';
import { FutureVerbs } from './future-verbs.ts';
// A cycle by design: FuturesSession#scope() makes scopes, and a scope checks its session.
import { type FutureRequestOptions, FuturesSession } from './futures-session.ts';

/** The canceller of a future that was cancelled before it was made: there is no work to stop. */
const NO_WORK: Canceller = { abort() {} };

/**
 * A view of a {@link FuturesSession} for one unit of work — one incoming request of a server,
 * one page, one job — that shares the session's executor and connection pool and remembers the
 * futures made through it, so that {@link FuturesScope.cancelAll} cancels exactly those (queued
 * ones leave the queue; running ones are aborted and their sockets released) and nothing of other
 * scopes. A future leaves the scope when it is done, so a scope holds only the work outstanding.
 *
 * A scope costs one small object, plus a set allocated by its first future; it needs no closing.
 * After `cancelAll`, requests made through it are cancelled at once, never sent.
 *
 * @example
 * <!-- fragment: `clientSocket` is the incoming request's socket
 * import type { Socket } from 'node:net';
 * declare const clientSocket: Socket;
 * -->
 * ```ts
 * import { FuturesSession } from 'fanout';
 *
 * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
 * const scope = session.scope();
 * const user = scope.get('/user');
 * const recs = scope.get('/recs');
 * clientSocket.once('close', () => scope.cancelAll('the client left'));
 * ```
 */
export class FuturesScope extends FutureVerbs {
  /** The session the requests go through (its executor and pool are shared by every scope). */
  readonly session: FuturesSession;
  /** The futures made through the scope and not done yet; allocated by the first one. */
  #pending: Set<Future<unknown>> | undefined = undefined;
  /** Why the scope was cancelled; set once by `cancelAll`, never cleared. */
  #cancelled: CancelledError | undefined = undefined;
  /** Behind {@link signal}: created by its first read, aborted by `cancelAll`. */
  #controller: AbortController | undefined = undefined;
  /** The done callback of every tracked future, which leaves `#pending`; made with the set. */
  #untrack: ((future: Future<unknown>) => void) | undefined = undefined;

  /**
   * Creates a scope of `session`; {@link FuturesSession.scope} does the same.
   *
   * @throws {InvalidOptionError} if `session` is not a `FuturesSession`.
   */
  constructor(session: FuturesSession) {
    super();
    if (!(session instanceof FuturesSession)) fail('session', 'a FuturesSession', session);
    this.session = session;
  }

  /** How many futures made through the scope are not done yet. */
  get pending(): number {
    return this.#pending?.size ?? 0;
  }

  /** Whether {@link cancelAll} has been called. */
  get isCancelled(): boolean {
    return this.#cancelled !== undefined;
  }

  /**
   * Aborted (with the `CancelledError` of {@link cancelAll}) when the scope is cancelled, for work
   * that takes a signal rather than a future: a page rendering, a database query. Created when
   * first read, so a scope that never asks for it pays nothing.
   */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#cancelled !== undefined) this.#controller.abort(this.#cancelled);
    }
    return this.#controller.signal;
  }

  /** Like {@link FuturesSession.request}, and the future belongs to this scope. */
  request(method: string, url: string | URL, options?: FutureRequestOptions): Future<Response> {
    if (this.#cancelled !== undefined) return cancelledFuture(this.#cancelled);
    return this.track(this.session.request(method, url, options));
  }

  /**
   * Makes any future (from `executor.submit`, a flow, a combinator) belong to the scope, so that
   * {@link cancelAll} cancels it too. A future given after `cancelAll` is cancelled at once.
   *
   * @returns `future` itself.
   * @throws {InvalidOptionError} if `future` is not a `Future`.
   * @example
   * <!-- fragment: a method of `scope`, made by `session.scope()`; `readStock` is the app's own
   * import { FuturesSession } from 'fanout';
   * declare function readStock(signal: AbortSignal): Promise<number>;
   * const session = new FuturesSession();
   * const scope = session.scope();
   * -->
   * ```ts
   * const stock = scope.track(session.executor.submit((signal) => readStock(signal)));
   * ```
   */
  track<T>(future: Future<T>): Future<T> {
    if (!(future instanceof Future)) fail('future', 'a Future', future);
    if (this.#cancelled !== undefined) {
      futureController.cancel(future, this.#cancelled);
      return future;
    }
    if (future.done()) return future;
    let pending = this.#pending;
    let untrack = this.#untrack;
    if (pending === undefined || untrack === undefined) {
      const set = new Set<Future<unknown>>();
      pending = this.#pending = set;
      untrack = this.#untrack = (done) => set.delete(done);
    }
    pending.add(future);
    future.addDoneCallback(untrack);
    return future;
  }

  /**
   * Cancels every future of the scope that is not done, and every one made through it later.
   * Each is cancelled with a `CancelledError` whose `cause` is `reason` (`reason` itself if it is
   * a `CancelledError`). Calling it again cancels nothing more and keeps the first reason.
   *
   * @returns how many futures it cancelled.
   * @example
   * <!-- fragment: `response` is the server's response being written, `scope` its requests' scope
   * import type { ServerResponse } from 'node:http';
   * import type { FuturesScope } from 'fanout';
   * declare const response: ServerResponse;
   * declare const scope: FuturesScope;
   * -->
   * ```ts
   * response.once('close', () => {
   *   if (!response.writableFinished) scope.cancelAll('the client disconnected');
   * });
   * ```
   */
  cancelAll(reason?: unknown): number {
    this.#cancelled ??=
      reason instanceof CancelledError
        ? reason
        : new CancelledError('Cancelled with its scope', { cause: reason });
    this.#controller?.abort(this.#cancelled);
    const pending = this.#pending;
    if (pending === undefined) return 0;
    this.#pending = undefined;
    this.#untrack = undefined;
    let count = 0;
    for (const future of pending) {
      if (future.done()) continue;
      futureController.cancel(future, this.#cancelled);
      count++;
    }
    return count;
  }
}

function cancelledFuture(reason: CancelledError): Future<Response> {
  const future = futureController.create<Response>(NO_WORK);
  futureController.cancel(future, reason);
  return future;
}
