/**
 * Validation of the futures passed to `wait`, `asCompleted` and `FutureSet`.
 *
 * @internal
 */

import { fail } from '../core/validate.ts';
import { Future } from './future.ts';

/** `value` itself if it is a {@link Future}; else an `InvalidOptionError` naming `name`. */
export function expectFuture<F extends Future<unknown>>(name: string, value: F): F {
  if (!(value instanceof Future)) fail(name, 'a Future', value);
  return value;
}

/** The futures of an iterable, each checked: "Expected `futures[2]` to be a Future, got …". */
export function expectFutures<F extends Future<unknown>>(name: string, futures: Iterable<F>): F[] {
  if (typeof (futures as Partial<Iterable<unknown>> | null)?.[Symbol.iterator] !== 'function') {
    fail(name, 'an iterable of futures', futures);
  }
  return Array.from(futures, (future, index) => expectFuture(`${name}[${index}]`, future));
}
