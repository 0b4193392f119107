import { RequestError } from './request-error.ts';

/**
 * A `RateLimit`'s shared store (Redis) failed: unreachable, timed out, or replied with an error.
 * The store's `onError` is told of each failed command. With `fallback: 'fail'`, a request that
 * reaches the limit while the store is down fails with it at once, unsent (its `request` says
 * which, its `cause` is the store's last failure); with `fallback: 'local'` (the default) no
 * request fails for it.
 */
export class RateLimitStoreError extends RequestError {
  override name = 'RateLimitStoreError';
  override readonly code = 'FANOUT_RATE_LIMIT_STORE' as const;
}
