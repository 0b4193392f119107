import { checkKnownOptions, fail } from '../core/validate.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import { UNSAFE_CHARS } from './headers.ts';
import { PROXY_OPTIONS } from './known-options.ts';
import type { ProxyOptions, TLSOptions } from './options.ts';

/**
 * Validators of the transport options (`proxy`, `ca`, `cert`, `key`), run when a session or a
 * request sets them, so a wrong value is an `InvalidOptionError` naming the option rather than a
 * `TypeError` from undici or from the pool key when the first request is sent.
 */

/** A PEM string or a Buffer. */
function isPEM(value: unknown): value is string | Buffer {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

/** Checks `ca`: a PEM string, a Buffer, or an array of them. */
export function checkCA(value: unknown): TLSOptions['ca'] {
  if (isPEM(value) || (Array.isArray(value) && value.every(isPEM))) return value;
  return fail('ca', 'a PEM string, a Buffer or an array of them', value);
}

/** Checks `cert` or `key`: a PEM string or a Buffer. */
export function checkPEM(name: 'cert' | 'key', value: unknown): string | Buffer {
  if (isPEM(value)) return value;
  return fail(name, 'a PEM string or a Buffer', value);
}

function isProxyURL(uri: unknown): boolean {
  if (!(typeof uri === 'string' || uri instanceof URL)) return false;
  const href = String(uri);
  if (!URL.canParse(href)) return false;
  const { protocol } = new URL(href);
  return protocol === 'http:' || protocol === 'https:';
}

/**
 * Checks `proxy`: an http(s) URL (string or `URL`), or `{ uri, token? }` with a header-safe token.
 * A wrong string is not quoted in the message: it may hold the proxy's credentials.
 */
export function checkProxy(value: unknown): ProxyOptions {
  if (isProxyURL(value)) return value as string | URL;
  if (typeof value === 'object' && value !== null && !(value instanceof URL)) {
    checkKnownOptions(value, PROXY_OPTIONS);
    const { uri, token } = value as { uri?: unknown; token?: unknown };
    const tokenOK = token === undefined || (typeof token === 'string' && !UNSAFE_CHARS.test(token));
    if (isProxyURL(uri) && tokenOK) return value as ProxyOptions;
  }
  const expected = 'an http(s) URL or { uri, token? } with a string token';
  if (typeof value === 'string') {
    throw new InvalidOptionError(
      `Expected \`proxy\` to be ${expected}, got a string that is not one`,
    );
  }
  return fail('proxy', expected, value);
}
