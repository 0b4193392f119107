/**
 * A per-key concurrency limit that changes while the executor runs: the seam through which a
 * later layer (`resilience/`'s adaptive limits) steers the executor's `perKey` limit.
 *
 * The executor asks {@link ConcurrencyLimit.current} for a key's limit when the key's first task
 * is queued, calls {@link ConcurrencyLimit.start} when a task of the key starts, and
 * {@link ConcurrencyLimit.finish} when its function settles; the limit `finish` returns applies at
 * once (a higher one starts queued tasks of that key, a lower one lets running tasks finish).
 * Tasks without a key are not limited per key and are not sampled.
 */
export interface ConcurrencyLimit<Token = unknown> {
  /** The highest limit it may ever give: the executor's session sizes its connection pool to it. */
  readonly max: number;
  /** The limit of `key` now: a positive integer, at most {@link ConcurrencyLimit.max}. */
  current(key: string): number;
  /**
   * A task of `key` starts now, with `inflight` tasks of the key running (itself included). The
   * token it returns is handed back to `finish`.
   */
  start(key: string, inflight: number): Token;
  /**
   * The task of `token` has finished: `ok` tells whether its function fulfilled, `outcome` is its
   * value or error. Returns the key's limit now. It must not throw.
   */
  finish(token: Token, ok: boolean, outcome: unknown): number;
}

/** Whether `value` has the shape of a {@link ConcurrencyLimit}. */
export function isConcurrencyLimit(value: unknown): value is ConcurrencyLimit {
  if (typeof value !== 'object' || value === null) return false;
  const limit = value as Partial<Record<keyof ConcurrencyLimit, unknown>>;
  return (
    typeof limit.max === 'number' &&
    typeof limit.current === 'function' &&
    typeof limit.start === 'function' &&
    typeof limit.finish === 'function'
  );
}
