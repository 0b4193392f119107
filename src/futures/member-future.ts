import { offAbort, onAbort } from '../core/abort-fanout.ts';
import type { Membership } from '../core/single-flight.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { type Future, futureController } from './future.ts';

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
  const future = futureController.create<T>({ abort: (reason) => membership?.leave(reason) });
  futureController.start(future);
  const cancel = () =>
    futureController.cancel(
      future,
      new CancelledError('Cancelled by an AbortSignal', { cause: signal?.reason }),
    );
  if (signal?.aborted) {
    cancel();
    return future;
  }
  membership = join();
  membership.promise.then(
    (value) => futureController.settle(future, true, value),
    (error: unknown) => futureController.settle(future, false, error),
  );
  if (signal !== undefined) {
    onAbort(signal, cancel);
    future.addDoneCallback(() => offAbort(signal, cancel));
  }
  return future;
}
