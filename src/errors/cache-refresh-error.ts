import { RequestError } from './request-error.ts';

/**
 * A background revalidation of the HTTP cache failed (`stale-while-revalidate`): the origin could
 * not be reached, timed out or answered with a server error (`cause` says which). No caller sees
 * it — each was served the stale response — so the cache hands it to its `onError` option and
 * keeps the stale entry; the next request past the window asks the origin itself.
 */
export class CacheRefreshError extends RequestError {
  override name = 'CacheRefreshError';
  override readonly code = 'FANOUT_CACHE_REFRESH' as const;
}
