import type { CacheControl } from './cache-control.ts';

/**
 * Whether a stored response may be used, given its age and lifetime (ms) and the directives of
 * the request and of the stored response (RFC 9111 §4.2 and §5.2.1, RFC 5861).
 */

/** The facts the decisions need about one stored response at one moment. */
export interface Staleness {
  /** Its current age, in ms. */
  readonly age: number;
  /** Its freshness lifetime, in ms. */
  readonly lifetime: number;
  /** Its `Cache-Control`. */
  readonly control: CacheControl;
  /** The request's `Cache-Control`. */
  readonly requestControl: CacheControl;
  /** Whether the cache is shared. */
  readonly isShared: boolean;
}

/**
 * What the cache may do with a stored response: serve it as is (`fresh`), serve it stale
 * (`stale`: the request accepts that with `max-stale`), serve it stale and revalidate it in the
 * background (`refresh`: within its `stale-while-revalidate` window, RFC 5861 §3), or ask the
 * origin first (`revalidate`).
 */
export type ReuseVerdict = 'fresh' | 'stale' | 'refresh' | 'revalidate';

/** The {@link ReuseVerdict} for one stored response at one moment. */
export function reuseVerdict(facts: Staleness): ReuseVerdict {
  const { age, lifetime, control, requestControl } = facts;
  if (control.noCache || requestControl.noCache) return 'revalidate';
  if (requestControl.maxAge !== undefined && age > requestControl.maxAge * 1000) {
    return 'revalidate';
  }
  const minFresh = (requestControl.minFresh ?? 0) * 1000;
  if (lifetime - age > minFresh) return 'fresh';
  if (forbidsStale(facts)) return 'revalidate';
  const staleFor = age - lifetime;
  const maxStale = requestControl.maxStale;
  if (maxStale === true || (maxStale !== undefined && staleFor <= maxStale * 1000)) return 'stale';
  const window = control.staleWhileRevalidate;
  return window !== undefined && staleFor <= window * 1000 ? 'refresh' : 'revalidate';
}

/**
 * Whether the stored response may stand in for a failed origin: within the larger of its own
 * `stale-if-error` and the cache's (or the request's, which replaces the cache's) past its
 * lifetime, unless a directive forbids serving it stale.
 */
export function maySubstituteOnError(facts: Staleness, cacheWindow: number): boolean {
  if (forbidsStale(facts) || facts.control.noCache) return false;
  const ownWindow = (facts.control.staleIfError ?? 0) * 1000;
  const requested = facts.requestControl.staleIfError;
  const window = Math.max(ownWindow, requested === undefined ? cacheWindow : requested * 1000);
  return facts.age - facts.lifetime <= window;
}

// RFC 9111 §4.2.4: must-revalidate forbids serving stale; so, in a shared cache, do
// proxy-revalidate and s-maxage (§5.2.2.10).
function forbidsStale({ control, isShared }: Staleness): boolean {
  return (
    control.mustRevalidate ||
    (isShared && (control.proxyRevalidate || control.sMaxAge !== undefined))
  );
}
