import { CookieJar } from 'tough-cookie';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import type { SessionOptions } from './options.ts';

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

  constructor(jar: CookieJar = new CookieJar(undefined, { allowSecureOnLocal: false })) {
    this.jar = jar;
    this.#mayHoldCookies = (jar.serializeSync()?.cookies.length ?? 1) > 0;
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

  /** Sets a cookie for `url`, e.g. `set('http://a.test/', 'sid=1; Path=/')`. */
  set(url: string, cookie: string): void {
    this.jar.setCookieSync(cookie, url);
    this.#mayHoldCookies = true;
  }

  /** The cookies that would be sent to `url`, by name. */
  get(url: string): Record<string, string> {
    const found: Record<string, string> = {};
    if (!this.#mayHoldCookies) return found;
    for (const cookie of this.jar.getCookiesSync(url)) found[cookie.key] = cookie.value;
    return found;
  }

  /** Removes every cookie. */
  clear(): void {
    this.jar.removeAllCookiesSync();
    this.#mayHoldCookies = false;
  }
}

/** The store of a session's `cookieJar` option: a new jar (the default), the given one, or none. */
export function cookieStore(option: SessionOptions['cookieJar']): Cookies | undefined {
  if (option === undefined || option === true) return new Cookies();
  if (option === false) return undefined;
  if (option instanceof CookieJar) return new Cookies(option);
  throw new InvalidOptionError('Expected `cookieJar` to be a boolean or a tough-cookie CookieJar');
}
