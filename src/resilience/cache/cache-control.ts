/**
 * The `Cache-Control` directives the cache acts on (RFC 9111 §5.2), parsed from a request or a
 * response. Durations are in seconds, as on the wire.
 *
 * A duration that is repeated or not a non-negative integer makes the directive invalid; RFC 9111
 * §4.2.1 encourages treating such a response as stale, so it reads as `0`. The qualified forms
 * `no-cache="field"` and `private="field"` are read as their unqualified forms, which is the
 * conservative reading the RFC allows.
 */
export interface CacheControl {
  readonly maxAge: number | undefined;
  readonly sMaxAge: number | undefined;
  readonly noStore: boolean;
  readonly noCache: boolean;
  readonly isPrivate: boolean;
  readonly isPublic: boolean;
  readonly mustRevalidate: boolean;
  readonly proxyRevalidate: boolean;
  /** RFC 5861: how long past freshness a stale response may stand in for an error. */
  readonly staleIfError: number | undefined;
  /**
   * Response only (RFC 5861 §3): how long past freshness the response may be served at once while
   * the cache revalidates it in the background.
   */
  readonly staleWhileRevalidate: number | undefined;
  /** Request only: accept a response stale by up to this long (`true`: by any amount). */
  readonly maxStale: number | true | undefined;
  /** Request only: the response must stay fresh for at least this long. */
  readonly minFresh: number | undefined;
  /** Request only: answer from the cache or not at all (504). */
  readonly onlyIfCached: boolean;
}

const DURATION = /^\d+$/;
// RFC 9110 §5.6.2: a token, then optionally `=token` or `="quoted string"`.
const DIRECTIVE = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*)))?/;

// A `Cache-Control` with no directives: what most requests carry, parsed once.
const NO_DIRECTIVES: CacheControl = Object.freeze(parseCacheControl(''));

/** Parses one or more `Cache-Control` header values (names are case-insensitive). */
export function parseCacheControl(value: string | readonly string[] | undefined): CacheControl {
  if (value === undefined) return NO_DIRECTIVES;
  const directives = new Map<string, string | true | null>();
  const text = typeof value === 'string' ? value : value.join(',');
  for (const part of splitDirectives(text)) {
    const match = DIRECTIVE.exec(part);
    if (match === null) continue;
    const name = (match[1] as string).toLowerCase();
    const argument = match[2] ?? match[3] ?? true;
    // A directive given twice is invalid (null); for flags the repetition is harmless.
    directives.set(name, directives.has(name) ? null : argument);
  }
  const flag = (name: string) => directives.has(name);
  const maxStale = directives.get('max-stale');
  return {
    maxAge: duration(directives, 'max-age'),
    sMaxAge: duration(directives, 's-maxage'),
    noStore: flag('no-store'),
    noCache: flag('no-cache'),
    isPrivate: flag('private'),
    isPublic: flag('public'),
    mustRevalidate: flag('must-revalidate'),
    proxyRevalidate: flag('proxy-revalidate'),
    staleIfError: duration(directives, 'stale-if-error'),
    staleWhileRevalidate: duration(directives, 'stale-while-revalidate'),
    maxStale: maxStale === true ? true : duration(directives, 'max-stale'),
    minFresh: duration(directives, 'min-fresh'),
    onlyIfCached: flag('only-if-cached'),
  };
}

// Splits on commas outside quoted strings.
function splitDirectives(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let isQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && isQuoted) i++;
    else if (char === '"') isQuoted = !isQuoted;
    else if (char === ',' && !isQuoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.trim() !== '');
}

// A delta-seconds argument; an invalid or repeated one counts as 0 (stale), absent as undefined.
function duration(directives: Map<string, string | true | null>, name: string): number | undefined {
  if (!directives.has(name)) return undefined;
  const argument = directives.get(name);
  if (typeof argument !== 'string' || !DURATION.test(argument)) return 0;
  return Math.min(Number(argument), 2 ** 31);
}
