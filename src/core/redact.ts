/**
 * The one redaction rule for URLs, shared by errors (`errors/`, `http/`) and traces (`trace/`):
 * userinfo replaced, the values of secret query parameters replaced. It sits above both layers
 * so that `http/` never imports `trace/`.
 *
 * @internal
 */

import { fail } from './validate.ts';

/** Query parameters whose values are replaced in errors and traces unless configured otherwise. */
export const DEFAULT_REDACTED_PARAMS: readonly string[] = [
  'access_token',
  'api_key',
  'apikey',
  'auth',
  'code',
  'key',
  'password',
  'secret',
  'sig',
  'signature',
  'token',
];

/** {@link DEFAULT_REDACTED_PARAMS} as the lower-case set {@link redactURL} takes, shared. */
export const DEFAULT_REDACTED: ReadonlySet<string> = new Set(DEFAULT_REDACTED_PARAMS);

/** What a secret query value is replaced by. */
export const REDACTED = 'REDACTED';

// The userinfo (`user:password@`) of a URL-like string: scheme and slashes, then the authority up to
// its last '@'.
const USERINFO = /^((?:[a-zA-Z][a-zA-Z0-9+.-]*:)?[\\/]*)[^/\\?#]*@/;

/**
 * Checks a `redactParams` option (an array of parameter names) once, into the lower-case set
 * {@link redactURL} takes; `undefined` gives {@link DEFAULT_REDACTED}.
 */
export function redactedParams(option: string, names: unknown): ReadonlySet<string> {
  if (names === undefined) return DEFAULT_REDACTED;
  if (!Array.isArray(names)) fail(option, 'an array of strings', names);
  const set = new Set<string>();
  for (const [index, name] of names.entries()) {
    if (typeof name !== 'string') fail(`${option}[${index}]`, 'a string', name);
    set.add(name.toLowerCase());
  }
  return set;
}

/**
 * `url` as it may be shown: any userinfo (`user:password@`) replaced by `[REDACTED]@`, and the
 * value of every query parameter whose name (decoded, case-insensitive) is in `params` replaced
 * by `REDACTED` — in the query and in a fragment written as pairs (`#access_token=…`, as OAuth's
 * implicit flow returns tokens). Works on the text itself, so it also redacts a URL that does not
 * parse (as invalid-URL errors quote it), and leaves every other part as it was written.
 * Idempotent.
 */
export function redactURL(url: string, params: ReadonlySet<string> = DEFAULT_REDACTED): string {
  const shown = url.replace(USERINFO, '$1[REDACTED]@');
  if (params.size === 0) return shown;
  const hash = shown.indexOf('#');
  const beforeHash = hash === -1 ? shown : shown.slice(0, hash);
  const query = beforeHash.indexOf('?');
  const head =
    query === -1
      ? beforeHash
      : `${beforeHash.slice(0, query + 1)}${redactPairs(beforeHash.slice(query + 1), params)}`;
  return hash === -1 ? head : `${head}#${redactPairs(shown.slice(hash + 1), params)}`;
}

// `a=1&token=2` with the values of the pairs named in `params` replaced.
function redactPairs(text: string, params: ReadonlySet<string>): string {
  if (!text.includes('=')) return text;
  const pairs = text.split('&');
  for (let index = 0; index < pairs.length; index++) {
    const pair = pairs[index] as string;
    const equals = pair.indexOf('=');
    if (equals !== -1 && params.has(decodeName(pair.slice(0, equals)))) {
      pairs[index] = `${pair.slice(0, equals + 1)}${REDACTED}`;
    }
  }
  return pairs.join('&');
}

// A query parameter name as form decoding reads it, lower-cased; as written if it is malformed.
function decodeName(name: string): string {
  const spaced = name.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced).toLowerCase();
  } catch {
    return spaced.toLowerCase();
  }
}
