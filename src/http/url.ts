import { DEFAULT_REDACTED, redactURL } from '../core/redact.ts';
import { fail, readOption, safeString } from '../core/validate.ts';
import { InvalidURLError } from '../errors/invalid-url-error.ts';
import { MAY_HOLD_DOT_SEGMENT, resolveDotSegments } from './dot-segments.ts';
import { UNSAFE_CHARS } from './headers.ts';
import type { ParamsInit } from './options.ts';

/** A parsed `baseURL`: its origin and its path without a trailing slash. */
export interface BaseURL {
  /** `http:` or `https:` */
  readonly scheme: string;
  readonly origin: string;
  readonly pathPrefix: string;
}

/** Where a request goes: origin, path with query, and credentials found in the URL. */
export interface Target {
  origin: string;
  path: string;
  username: string;
  password: string;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
// Printable ASCII without space and '#': a path made of these needs no encoding.
const PLAIN_PATH = /^[\x21\x22\x24-\x7e]*$/;

/**
 * `input` quoted for an error message, its credentials and the values of its `secret` query
 * parameters replaced (see {@link redactURL}).
 */
export function quoteURL(input: string, secret: ReadonlySet<string> = DEFAULT_REDACTED): string {
  return JSON.stringify(redactURL(input, secret));
}

function refuse(input: string, why: string, secret: ReadonlySet<string>): never {
  throw new InvalidURLError(`${quoteURL(input, secret)} ${why}`);
}

/**
 * `input` as an absolute http(s) `URL`.
 * @throws {InvalidURLError} for anything else (or CR, LF or NUL in it), quoting `input` with the
 * values of its `secret` query parameters redacted.
 */
export function parseAbsolute(input: string | URL, secret: ReadonlySet<string>): URL {
  const text = String(input);
  if (UNSAFE_CHARS.test(text)) refuse(text, 'contains CR, LF or NUL', secret);
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input) : input;
  } catch {
    return refuse(text, 'is not an absolute http(s) URL', secret);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    refuse(
      text,
      `is not an absolute http(s) URL (scheme "${url.protocol}" is not allowed)`,
      secret,
    );
  }
  return url;
}

function targetOf(url: URL): Target {
  return {
    origin: url.origin,
    path: url.pathname + url.search,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

/**
 * Parses and checks a session `baseURL` once; an error quoting it redacts the values of the
 * `secret` query parameters.
 */
export function parseBaseURL(input: string | URL, secret: ReadonlySet<string>): BaseURL {
  if (typeof input !== 'string' && !(input instanceof URL)) {
    fail('baseURL', 'an absolute http(s) URL (a string or a URL object)', input);
  }
  const url = parseAbsolute(input, secret);
  if (url.username || url.password) {
    refuse(String(input), 'must not carry credentials; use `auth`', secret);
  }
  return { scheme: url.protocol, origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
}

/**
 * Resolves a request URL. Without a base, a string must be an absolute http(s) URL. With a base,
 * a string is a path appended to the base path (`/api` + `/users` = `/api/users`), its dot segments
 * resolved below the base path (`/api` + `a/../b` = `/api/b`; one that climbs above it, such as
 * `../admin`, is refused: servers resolve dot segments, so one sent would leave the base); an absolute or
 * protocol-relative string is refused unless `allowAbsolute` — a `URL` object is always taken as
 * the caller's explicit choice. An error quoting the input redacts its credentials and the values
 * of its `secret` query parameters.
 */
export function resolveTarget(
  input: string | URL,
  base: BaseURL | undefined,
  allowAbsolute: boolean,
  secret: ReadonlySet<string>,
): Target {
  if (typeof input !== 'string') {
    if (!(input instanceof URL))
      refuse(safeString(input), 'is not a URL string or URL object', secret);
    return targetOf(parseAbsolute(input, secret));
  }
  if (base === undefined || SCHEME.test(input) || input.startsWith('//')) {
    if (base !== undefined && !allowAbsolute) {
      refuse(
        input,
        'would leave the session baseURL; pass a URL object or set `allowAbsoluteURLs` to send it elsewhere',
        secret,
      );
    }
    // A protocol-relative URL takes the scheme of the base, as a browser would.
    const absolute = base !== undefined && input.startsWith('//') ? base.scheme + input : input;
    return targetOf(parseAbsolute(absolute, secret));
  }
  if (UNSAFE_CHARS.test(input)) refuse(input, 'contains CR, LF or NUL', secret);
  let relative = input.startsWith('/') || input === '' ? input : `/${input}`;
  if (MAY_HOLD_DOT_SEGMENT.test(input)) relative = withinBase(input, relative, base, secret);
  const path = base.pathPrefix + relative || '/';
  if (PLAIN_PATH.test(path)) return { origin: base.origin, path, username: '', password: '' };
  // Parsed after the origin, never as a reference relative to it: URL drops tabs and reads `\\`
  // as `//`, which would turn what follows into a host (`/\\evil.example/x` into `/x`).
  const url = new URL(base.origin + path);
  return { origin: base.origin, path: url.pathname + url.search, username: '', password: '' };
}

// `relative` with its dot segments resolved below the base path (servers resolve them, so sent as
// they are they could reach a path above it); refused when a `..` would climb above the base path.
function withinBase(
  input: string,
  relative: string,
  base: BaseURL,
  secret: ReadonlySet<string>,
): string {
  const resolved = resolveDotSegments(relative);
  if (resolved !== undefined) return resolved;
  return refuse(
    input,
    `would climb above the path of the session baseURL ${quoteURL(base.origin + (base.pathPrefix || '/'), secret)}: a ".." may only remove segments the path itself adds`,
    secret,
  );
}

/** Parameters as ordered pairs; `null` values mark removals. */
export type ParamPairs = [string, string | null][];

/**
 * Normalises params into pairs (arrays repeat the key, `null` removes, `undefined` is skipped).
 * `name` is the option they came from (`params` or `form`), for the error a wrong value gets.
 * Each value (and each item of an array) is read once, so what is sent is what was checked.
 * @throws {InvalidOptionError} for a wrong value, or a getter that throws, naming the parameter.
 */
export function normalizeParams(init: ParamsInit, name = 'params'): ParamPairs {
  const pairs: ParamPairs = [];
  if (init instanceof URLSearchParams) {
    for (const [key, value] of init) pairs.push([key, value]);
    return pairs;
  }
  if (typeof init !== 'object' || init === null) fail(name, 'an object or URLSearchParams', init);
  for (const key of Object.keys(init)) {
    const value = readOption(init, key, name);
    if (value === undefined) continue;
    if (value === null) pairs.push([key, null]);
    else if (Array.isArray(value)) pushItems(pairs, key, value, name);
    else pairs.push([key, paramText(name, value)]);
  }
  return pairs;
}

// Appends a pair per item of the array `values` given for `key`, each item read once.
function pushItems(pairs: ParamPairs, key: string, values: readonly unknown[], name: string) {
  const where = `${name}.${key}`;
  for (let index = 0; index < values.length; index++) {
    pairs.push([key, paramText(name, readOption(values, index, where))]);
  }
}

// A param value as text: a string, number, boolean or bigint; an object or a symbol has none.
function paramText(name: string, value: unknown): string {
  const type = typeof value;
  if (type === 'string') return value as string;
  if (type === 'number' || type === 'boolean' || type === 'bigint') return String(value);
  return fail(`${name} values`, 'strings, numbers, booleans or arrays of them', value);
}

/** `base` with the keys of `patch` replaced by the patch's values (as requests merges params). */
export function mergeParams(base: ParamPairs, patch: ParamPairs): ParamPairs {
  const replaced = new Set(patch.map(([key]) => key));
  return [...base.filter(([key]) => !replaced.has(key)), ...patch];
}

/** The query string of `pairs` (without `?`), or `''`. */
export function encodeParams(pairs: ParamPairs): string {
  const search = new URLSearchParams();
  for (const [key, value] of pairs) if (value !== null) search.append(key, value);
  return search.toString();
}

/** `path` with `query` appended. */
export function withQuery(path: string, query: string): string {
  if (query === '') return path;
  return path + (path.includes('?') ? '&' : '?') + query;
}
