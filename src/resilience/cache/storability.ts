import type { PreparedRequest } from '../../http/prepared-request.ts';
import type { Response } from '../../http/response.ts';
import type { CacheControl } from './cache-control.ts';
import { hasExplicitFreshness, isHeuristicallyCacheable } from './freshness.ts';

/** The methods whose responses the cache stores and serves. */
export const CACHED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * Whether a response may be stored (RFC 9111 §3): a buffered answer to a GET or HEAD that
 * neither side marked `no-store`, not `private` in a shared cache, not for a request with
 * `Authorization` in a shared cache unless the response allows it (§3.5), not `Vary: *`, not a
 * partial (206) one, and with a lifetime the cache can work out: explicit, `public`, or a status
 * cacheable by default.
 */
export function isStorable(
  request: PreparedRequest,
  response: Response,
  requestControl: CacheControl,
  control: CacheControl,
  isShared: boolean,
): boolean {
  if (!CACHED_METHODS.has(request.method) || response.body !== undefined) return false;
  if (response.status === 206 || response.status === 304 || response.status < 200) return false;
  if (requestControl.noStore || control.noStore) return false;
  if (isShared && control.isPrivate) return false;
  if (isShared && request.headers.authorization !== undefined && !allowsAuthorized(control)) {
    return false;
  }
  if (/(^|,)\s*\*\s*(,|$)/.test(headerText(response.headers.vary))) return false;
  return (
    control.isPublic ||
    hasExplicitFreshness(response.headers, control, isShared) ||
    isHeuristicallyCacheable(response.status)
  );
}

// RFC 9111 §3.5: the directives that let a shared cache store an authorized response.
function allowsAuthorized(control: CacheControl): boolean {
  return control.isPublic || control.mustRevalidate || control.sMaxAge !== undefined;
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}
