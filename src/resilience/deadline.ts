import { performance } from 'node:perf_hooks';
import { fail } from '../core/validate.ts';
import { contextDeadline, runWithDeadline, sooner, toDeadline } from '../http/deadline.ts';

/**
 * Runs `fn` with a deadline: every request made inside (awaited or not, in any session) ends by
 * then, less the time already spent — the session applies the sooner of its own `total` timeout
 * and what is left, and a request made once the deadline has passed fails at once with a
 * {@link TimeoutError} of phase `deadline`. A nested `withDeadline` can shorten the deadline,
 * never extend it. `budget` is ms from now, or a point in time.
 *
 * The deadline travels with the async context (AsyncLocalStorage), so a page composer or a flow
 * sets it once around its work and each request sees its own share.
 *
 * @throws {InvalidOptionError} when `budget` is not a finite number >= 0 or a valid Date, or `fn`
 * is not a function.
 * @example
 * ```ts
 * import { Session, withDeadline } from 'fanout';
 *
 * const session = new Session({ baseURL: 'http://127.0.0.1:8080' });
 * // The page has 800 ms: the second request gets what the first left over.
 * const page = await withDeadline(800, async () => {
 *   const user = await session.get('/user');
 *   return session.get(`/recs/${user.json<{ id: string }>().id}`);
 * });
 * ```
 */
export function withDeadline<T>(budget: number | Date, fn: () => T): T {
  const own = toDeadline(budget, 'budget');
  if (typeof fn !== 'function') fail('fn', 'a function', fn);
  return runWithDeadline(sooner(contextDeadline(), own) ?? own, fn);
}

/**
 * Milliseconds left before the current context's deadline (0 once it has passed), or
 * `undefined` outside any {@link withDeadline}.
 */
export function remainingTime(): number | undefined {
  const deadline = contextDeadline();
  return deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
}
