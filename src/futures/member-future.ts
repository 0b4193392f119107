import { offAbort, onAbort } from '../core/abort-fanout.ts';
import type { Membership } from '../core/single-flight.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { cancelFuture, createFuture, type Future, settleFuture, startFuture } from './future.ts';

/**
 * A caller's future of shared work (a coalesced call, a loader's key), joined by `join` unless
 * `signal` is already aborted. It settles with the caller's own outcome, and cancelling it — by
 * {@link Future.cancel} or by `signal` — only takes this caller out (the work goes on for the
 * others; the last one out may abort it).
 *
 * @internal
 */
export function memberFuture<T>(
  join: () => Membership<T>,
  signal: AbortSignal | undefined,
): Future<T> {
  let membership: Membership<T> | undefined;
  const future = createFuture<T>({ abort: (reason) => membership?.leave(reason) });
  startFuture(future);
  const cancel = () =>
    cancelFuture(
      future,
      new CancelledError('Cancelled by an AbortSignal', { cause: signal?.reason }),
    );
  if (signal?.aborted) {
    cancel();
    return future;
  }
  membership = join();
  membership.promise.then(
    (value) => settleFuture(future, true, value),
    (error: unknown) => settleFuture(future, false, error),
  );
  if (signal !== undefined) {
    onAbort(signal, cancel);
    future.addDoneCallback(() => offAbort(signal, cancel));
  }
  return future;
}
