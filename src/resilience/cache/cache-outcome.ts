import type { Response } from '../../http/response.ts';

/**
 * How the HTTP cache answered a GET or HEAD request:
 * - `hit`: a fresh stored response, nothing sent;
 * - `miss`: from the origin (nothing usable was stored, or it had changed);
 * - `revalidated`: the stored response, after the origin confirmed it with `304 Not Modified`;
 * - `stale`: a stored response past its freshness, standing in for an origin that failed
 *   (`stale-if-error`) or accepted by the request (`max-stale`).
 */
export type CacheOutcome = 'hit' | 'miss' | 'revalidated' | 'stale';

/** The response header that carries the {@link CacheOutcome}. */
export const CACHE_OUTCOME_HEADER = 'x-fanout-cache';

const OUTCOMES: ReadonlySet<string> = new Set<CacheOutcome>([
  'hit',
  'miss',
  'revalidated',
  'stale',
]);

/**
 * How the HTTP cache answered `response` (its `x-fanout-cache` header), or `undefined` when the
 * request did not go through a cache (no {@link HttpCache} policy, or not a GET or HEAD).
 *
 * @example
 * <!-- fragment: `showBanner` is the app's own
 * declare function showBanner(message: string): void;
 * -->
 * ```ts
 * import { cacheOutcome, HttpCache, Session } from 'fanout';
 *
 * const session = new Session({
 *   baseURL: 'http://127.0.0.1:8080',
 *   policies: [new HttpCache()],
 * });
 * const response = await session.get('/recommendations');
 * if (cacheOutcome(response) === 'stale') showBanner('Recommendations may be out of date');
 * ```
 */
export function cacheOutcome(response: Response): CacheOutcome | undefined {
  const value = response.headers[CACHE_OUTCOME_HEADER];
  return typeof value === 'string' && OUTCOMES.has(value) ? (value as CacheOutcome) : undefined;
}
