import { CookieJar } from 'tough-cookie';
import { DEFAULT_REDACTED } from '../core/redact.ts';
import { describe, fail, safeString } from '../core/validate.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import { InvalidURLError } from '../errors/invalid-url-error.ts';
import type { SessionOptions } from './options.ts';
import { parseAbsolute, quoteURL } from './url.ts';

/**
 * The session's cookie store: a tough-cookie `CookieJar` that follows RFC 6265 (domain, path,
 * secure, expiry). Requests skip it entirely until it holds a cookie. The default jar sends
 * `Secure` cookies over https only, loopback included: unlike a browser, a client has no reason to
 * treat `http://localhost` as a secure channel (tough-cookie's `allowSecureOnLocal` is switched off).
 */
export class Cookies {
  /** The underlying tough-cookie jar, for anything this class does not cover. */
  readonly jar: CookieJar;
  // True once the jar may hold a cookie; false means every lookup would be empty.
  #mayHoldCookies: boolean;
  // The query parameters whose values an error quoting a URL replaces (the session's redactParams).
  readonly #redactParams: ReadonlySet<string>;

  /**
   * @param redactParams the query parameters (lower-case) whose values an error quoting a URL
   * given to {@link Cookies.set} or {@link Cookies.get} shows as `REDACTED`.
   * @throws {InvalidOptionError} when `jar` cannot be used synchronously: a jar on an asynchronous
   * store, or an object that only inherits from `CookieJar.prototype`.
   */
  constructor(
    jar: CookieJar = new CookieJar(undefined, { allowSecureOnLocal: false }),
    redactParams: ReadonlySet<string> = DEFAULT_REDACTED,
  ) {
    this.jar = jar;
    this.#redactParams = redactParams;
    this.#mayHoldCookies = (usableSnapshot(jar)?.cookies.length ?? 1) > 0;
  }

  /** The `Cookie` header value for `url`, or `''`. */
  headerFor(url: string): string {
    return this.#mayHoldCookies ? this.jar.getCookieStringSync(url) : '';
  }

  /** Stores `Set-Cookie` header values received from `url`; invalid ones are ignored. */
  store(url: string, setCookie: string | readonly string[]): void {
    const values = typeof setCookie === 'string' ? [setCookie] : setCookie;
    for (const value of values) {
      if (this.jar.setCookieSync(value, url, { ignoreError: true })) this.#mayHoldCookies = true;
    }
  }

  /**
   * Sets a cookie for `url`, as if `url` had answered with it in `Set-Cookie`, e.g.
   * `set('http://a.test/', 'sid=1; Path=/')`.
   * @throws {InvalidURLError} when `url` is not an absolute http(s) URL.
   * @throws {InvalidOptionError} when `cookie` is not a string, or the jar refuses it (it does not
   * parse, its `Domain` is not `url`'s, it is `Secure` and `url` is not https); the message names
   * the URL, never the cookie's value, and the jar's error is its `cause`.
   */
  set(url: string, cookie: string): void {
    const href = this.#checkURL(url);
    if (typeof cookie !== 'string') fail('cookie', 'a Set-Cookie string', cookie);
    try {
      this.jar.setCookieSync(cookie, href);
    } catch (error) {
      throw new InvalidOptionError(
        `The cookie jar refused a cookie for ${quoteURL(href, this.#redactParams)}: ${safeString((error as Error).message)}`,
        { cause: error },
      );
    }
    this.#mayHoldCookies = true;
  }

  /**
   * The cookies that would be sent to `url`, by name.
   * @throws {InvalidURLError} when `url` is not an absolute http(s) URL.
   */
  get(url: string): Record<string, string> {
    const href = this.#checkURL(url);
    const found: Record<string, string> = {};
    if (!this.#mayHoldCookies) return found;
    for (const cookie of this.jar.getCookiesSync(href)) found[cookie.key] = cookie.value;
    return found;
  }

  // `url` as the jar is given it: an absolute http(s) URL (a URL object is taken too).
  #checkURL(url: unknown): string {
    if (typeof url === 'string' || url instanceof URL) {
      return parseAbsolute(url, this.#redactParams).href;
    }
    throw new InvalidURLError(`${describe(url)} is not a URL string or URL object`);
  }

  /** Removes every cookie. */
  clear(): void {
    this.jar.removeAllCookiesSync();
    this.#mayHoldCookies = false;
  }
}

// The jar's contents, read through the synchronous API every request uses, so a jar that cannot
// serve it fails once, here, instead of on each request.
function usableSnapshot(jar: CookieJar): ReturnType<CookieJar['serializeSync']> {
  try {
    return jar.serializeSync();
  } catch (error) {
    throw new InvalidOptionError(
      `Expected \`cookieJar\` to be a tough-cookie CookieJar on a synchronous store (such as the default MemoryCookieStore), got one that failed: ${safeString(error)}`,
      { cause: error },
    );
  }
}

/** The store of a session's `cookieJar` option: a new jar (the default), the given one, or none. */
export function cookieStore(
  option: SessionOptions['cookieJar'],
  redactParams: ReadonlySet<string>,
): Cookies | undefined {
  if (option === undefined || option === true) return new Cookies(undefined, redactParams);
  if (option === false) return undefined;
  if (option instanceof CookieJar) return new Cookies(option, redactParams);
  throw new InvalidOptionError('Expected `cookieJar` to be a boolean or a tough-cookie CookieJar');
}
