import { startTimer } from '../../core/timers.ts';

/**
 * The rejection of a Redis command that took longer than the adapter's `commandTimeout`, for a
 * client that cannot bound a command by itself. Internal: it only ever reaches the user as the
 * reason in a `RedisStoreError`'s message.
 *
 * @internal
 */
export class CommandTimeout extends Error {
  override name = 'CommandTimeout';
}

/** `promise`, or a {@link CommandTimeout} after `ms` if it has not settled by then. @internal */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = startTimer(ms, () => reject(new CommandTimeout(`over ${ms} ms`)));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
