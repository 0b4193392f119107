import { checkInteger } from '../../core/checks.ts';
import { fail } from '../../core/validate.ts';
import type { H2Settings } from './h2-agent.ts';

/**
 * The `http2` session option: `false` (HTTP/1.1 only), `true` (HTTP/2 when ALPN picks it on an
 * https origin) or `'prior-knowledge'` (HTTP/2 without asking: h2c on http origins).
 */
export type HTTP2Mode = boolean | 'prior-knowledge';

/**
 * Checks the `http2` option (`undefined` is `false`).
 * @throws {InvalidOptionError} naming the option and the value received.
 */
export function checkHTTP2(value: unknown): HTTP2Mode {
  if (value === undefined) return false;
  if (typeof value === 'boolean' || value === 'prior-knowledge') return value;
  return fail('http2', "true, false or 'prior-knowledge'", value);
}

/**
 * The HTTP/2 settings of a session from its `http2` and `http2Sessions` options (checked here;
 * `http2Sessions` defaults to 1), or undefined when `http2` is off. Idle sessions close after the
 * session's `keepAliveTimeout`.
 */
export function http2Settings(
  http2: unknown,
  http2Sessions: unknown,
  keepAliveTimeout: number,
): H2Settings | undefined {
  const mode = checkHTTP2(http2);
  const maxSessions = checkInteger('http2Sessions', http2Sessions ?? 1, 1);
  return mode === false ? undefined : { mode, maxSessions, idleTimeout: keepAliveTimeout };
}
