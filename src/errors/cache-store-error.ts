import { FanoutError } from './fanout-error.ts';

/**
 * A cache store failed: Redis unreachable, timed out, restarted mid-command or replied with an
 * error. The HTTP cache never fails a request for it: it treats the lookup as a miss and hands
 * the error to its `onError` option.
 */
export class CacheStoreError extends FanoutError {
  override name = 'CacheStoreError';
  override readonly code = 'FANOUT_CACHE_STORE' as const;
}
