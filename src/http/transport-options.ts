import { checkKnownOptions, fail, ownItems, ownOptions } from '../core/validate.ts';
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

/** Checks `ca`: a PEM string, a Buffer, or an array of them (copied, each item read once). */
export function checkCA(value: unknown): TLSOptions['ca'] {
  if (isPEM(value)) return value;
  const items = Array.isArray(value) ? ownItems(value, 'ca') : undefined;
  if (items?.every(isPEM)) return items as (string | Buffer)[];
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
 * Checks `proxy`: an http(s) URL (string or `URL`), or `{ uri, token? }` with a header-safe token,
 * read once from its own properties and returned as a new object (what the pool is built from is
 * what was checked). A wrong string is not quoted in the message: it may hold the proxy's
 * credentials.
 */
export function checkProxy(value: unknown): ProxyOptions {
  if (isProxyURL(value)) return value as string | URL;
  if (typeof value === 'object' && value !== null && !(value instanceof URL)) {
    checkKnownOptions(value, PROXY_OPTIONS);
    const { uri, token } = ownOptions(value as { uri?: unknown; token?: unknown }, 'proxy');
    const tokenOK = token === undefined || (typeof token === 'string' && !UNSAFE_CHARS.test(token));
    if (isProxyURL(uri) && tokenOK) {
      const checked = { uri: uri as string | URL };
      return token === undefined ? checked : { ...checked, token: token as string };
    }
  }
  const expected = 'an http(s) URL or { uri, token? } with a string token';
  if (typeof value === 'string') {
    throw new InvalidOptionError(
      `Expected \`proxy\` to be ${expected}, got a string that is not one`,
    );
  }
  return fail('proxy', expected, value);
}
