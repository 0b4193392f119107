import { fail, readOption } from '../core/validate.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';

// A cookie name: an RFC 9110 token (RFC 6265 §4.1.1).
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// What a cookie value must not hold: controls (CR, LF and NUL among them) and `;`, which would end
// the pair and start another in the `Cookie` header.
// biome-ignore lint/suspicious/noControlCharactersInRegex: controls are what it looks for.
const COOKIE_VALUE_FORBIDDEN = /[\x00-\x1f\x7f;]/;

/**
 * Checks the `cookies` option (name → value, sent as they are in the `Cookie` header): a plain
 * object whose names are tokens and whose values are strings free of controls and `;`. Returns a
 * new record without a prototype: `base`'s cookies, then the checked ones. Each own value is read
 * once, so what is sent is what was checked (a getter cannot answer the check and the wire
 * differently).
 * @throws {InvalidOptionError} for a wrong shape or name, or a getter that throws, naming the
 * option or the cookie.
 * @throws {InvalidRequestError} for a value with a control character or `;` (header injection).
 */
export function checkCookies(
  value: unknown,
  base?: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('cookies', 'an object of cookie names and values', value);
  }
  const checked: Record<string, string> = Object.assign(Object.create(null), base);
  for (const name of Object.keys(value)) {
    if (!COOKIE_NAME.test(name)) fail('cookies', 'keyed by cookie names (tokens)', name);
    const text = readOption(value, name, 'cookies');
    if (typeof text !== 'string') fail(`cookies.${name}`, 'a string', text);
    if (COOKIE_VALUE_FORBIDDEN.test(text)) {
      // As for a header value: the request cannot be sent as given (a smuggled header or cookie).
      throw new InvalidRequestError(
        `Invalid value for cookie "${name}": it contains a control character or ";"`,
      );
    }
    checked[name] = text;
  }
  return checked;
}
