import { fail } from '../core/validate.ts';
import { createFlightGroup, runInFlightGroup } from '../http/coalescing.ts';

/**
 * A unit of work (one incoming request, one page) whose identical GET and HEAD calls go over the
 * wire once while they are in flight. Calls join the scope of the async context they are made in
 * (AsyncLocalStorage), so concurrent units of work never share a response — even when they share
 * a session. Within a scope, calls still coalesce only when everything that goes on the wire is
 * the same (URL, every header including Authorization and the jar's cookies, and the session), as
 * with the session option `coalesce: true`, which coalesces every call of a session instead.
 *
 * Every caller gets its own {@link Response}. A caller that cancels (its signal, or its future's
 * `cancel()`) leaves the shared call to the others; the last one to leave aborts it. An error
 * reaches every caller. Nothing is cached: once the response has arrived, the next call goes out
 * again. A scope run inside another replaces it for its duration.
 *
 * @example
 * ```ts
 * import { CoalesceScope, FuturesSession } from 'fanout';
 *
 * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
 * await new CoalesceScope().run(async () => {
 *   const header = session.get('/me');   // one request for both components
 *   const sidebar = session.get('/me');
 *   console.log((await header).json(), (await sidebar).json());
 * });
 * ```
 */
export class CoalesceScope {
  // The scope's shared calls in flight, by key (the key names the session among the rest).
  readonly #flights = createFlightGroup();

  /**
   * Runs `fn` in this scope: identical calls made inside it (and in what it starts) coalesce.
   *
   * @throws {InvalidOptionError} if `fn` is not a function.
   */
  run<T>(fn: () => T): T {
    if (typeof fn !== 'function') fail('fn', 'a function', fn);
    return runInFlightGroup(this.#flights, fn);
  }

  /** How many shared calls of this scope are in flight now. */
  get inFlight(): number {
    return this.#flights.size;
  }
}

/**
 * Runs `fn` in a new {@link CoalesceScope}: `coalesce(fn)` is `new CoalesceScope().run(fn)`.
 *
 * @example
 * ```ts
 * import { coalesce, Session } from 'fanout';
 *
 * const session = new Session({ baseURL: 'http://127.0.0.1:8080' });
 * const [a, b] = await coalesce(() => Promise.all([session.get('/me'), session.get('/me')]));
 * ```
 */
export function coalesce<T>(fn: () => T): T {
  return new CoalesceScope().run(fn);
}
