import { FanoutError } from './fanout-error.ts';

/**
 * A Redis command fanout sent on the user's client failed: Redis unreachable, too slow (over the
 * adapter's `commandTimeout`), stopped or restarted mid-command, or it replied with an error. The
 * message names where the command went (`redis 127.0.0.1:6379`, redacted) and the command; the
 * client's own error is its `cause`. Every feature on Redis falls back as its documentation says
 * (the HTTP cache serves a miss and hands a {@link CacheStoreError} with this as `cause` to
 * `onError`); none fails a request for it.
 */
export class RedisStoreError extends FanoutError {
  override name = 'RedisStoreError';
  override readonly code = 'FANOUT_REDIS_STORE' as const;
}
