import type { CacheControl } from './cache-control.ts';
import type { StoredResponse } from './cache-entry.ts';

/** How long a response without explicit freshness stays fresh (RFC 9111 §4.2.2). */
export interface Heuristic {
  /** The fraction of the time since `Last-Modified` (at `Date`) it stays fresh; 0: none. */
  readonly fraction: number;
  /** The longest heuristic lifetime, in ms. */
  readonly max: number;
}

// RFC 9110 §15.1: statuses a cache may store and give a heuristic lifetime without directives.
const HEURISTICALLY_CACHEABLE = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501,
]);

/** Whether `status` is cacheable by default (a heuristic lifetime may apply). */
export function isHeuristicallyCacheable(status: number): boolean {
  return HEURISTICALLY_CACHEABLE.has(status);
}

/** Whether the response says how long it is fresh (`max-age`, `s-maxage` in a shared cache, `Expires`). */
export function hasExplicitFreshness(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  control: CacheControl,
  isShared: boolean,
): boolean {
  return (
    control.maxAge !== undefined ||
    (isShared && control.sMaxAge !== undefined) ||
    typeof headers.expires === 'string'
  );
}

/**
 * The freshness lifetime of a stored response in ms (RFC 9111 §4.2.1): `s-maxage` (shared
 * caches only), else `max-age`, else `Expires − Date`, else the heuristic for a response with
 * `Last-Modified` whose status allows one (or that is `public`), else 0.
 */
export function freshnessLifetime(
  response: StoredResponse,
  control: CacheControl,
  isShared: boolean,
  heuristic: Heuristic,
): number {
  if (isShared && control.sMaxAge !== undefined) return control.sMaxAge * 1000;
  if (control.maxAge !== undefined) return control.maxAge * 1000;
  const date = dateOf(response);
  const expires = response.headers.expires;
  // RFC 9111 §5.3: an invalid Expires (such as "0") is a time in the past.
  if (expires !== undefined) return Math.max(0, (parseDate(expires) ?? 0) - date);
  const lastModified = parseDate(response.headers['last-modified']);
  if (
    lastModified === undefined ||
    !(isHeuristicallyCacheable(response.status) || control.isPublic)
  ) {
    return 0;
  }
  return Math.min(heuristic.max, Math.max(0, (date - lastModified) * heuristic.fraction));
}

/**
 * The current age of a stored response in ms at `now` (RFC 9111 §4.2.3): the age it had when it
 * arrived (from `Age`, `Date` and the time the exchange took), plus the time it has been stored.
 */
export function currentAge(response: StoredResponse, now: number): number {
  const apparentAge = Math.max(0, response.responseTime - dateOf(response));
  const ageHeader = Number.parseInt(response.headers.age ?? '', 10);
  const ageValue = Number.isFinite(ageHeader) && ageHeader > 0 ? ageHeader * 1000 : 0;
  const responseDelay = response.responseTime - response.requestTime;
  const correctedInitialAge = Math.max(apparentAge, ageValue + responseDelay);
  return correctedInitialAge + Math.max(0, now - response.responseTime);
}

// The response's Date, or the time it arrived when it has none (RFC 9110 §6.6.1).
function dateOf(response: StoredResponse): number {
  return parseDate(response.headers.date) ?? response.responseTime;
}

/** An HTTP date as epoch ms, or undefined when absent or invalid. */
export function parseDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
