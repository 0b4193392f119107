import { redactURL } from '../core/redact.ts';
import { isFanoutError } from '../errors/fanout-error.ts';
import type { PreparedRequest } from '../http/prepared-request.ts';

/** Span attributes, as OpenTelemetry takes them. */
export type SpanAttributes = Record<string, string | number>;

// The methods HTTP semantic conventions name; any other is reported as `_OTHER`.
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/** The name of an HTTP client span: the method (no route template is known), or `HTTP`. */
export function clientSpanName(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'HTTP';
}

/**
 * The attributes of the client span of one physical request, known before it is sent (HTTP
 * semantic conventions): method, `url.full` without credentials and with the values of secret
 * query parameters (the session's `redactParams`) replaced, server address and port, and
 * `http.request.resend_count` for a retry or a redirect hop.
 */
export function clientAttributes(request: PreparedRequest, resendCount: number): SpanAttributes {
  const method = request.method;
  const { address, port } = serverOf(request.origin);
  const attributes: SpanAttributes = {
    'http.request.method': KNOWN_METHODS.has(method) ? method : '_OTHER',
    // The origin never holds credentials (they became an authorization header): only a query
    // can hold a secret.
    'url.full': request.path.includes('?')
      ? redactURL(request.url, request.redactParams)
      : request.url,
    'server.address': address,
    'server.port': port,
  };
  if (!KNOWN_METHODS.has(method)) attributes['http.request.method_original'] = method;
  if (resendCount > 0) attributes['http.request.resend_count'] = resendCount;
  return attributes;
}

/** Host (IPv6 without brackets) and port (the scheme's default when none is given) of `origin`. */
export function serverOf(origin: string): { address: string; port: number } {
  const isSecure = origin.startsWith('https:');
  const authority = origin.slice(isSecure ? 8 : 7);
  const colon = authority.lastIndexOf(':');
  const hasPort = colon > authority.lastIndexOf(']');
  const host = hasPort ? authority.slice(0, colon) : authority;
  return {
    address: host.startsWith('[') ? host.slice(1, -1) : host,
    port: hasPort ? Number(authority.slice(colon + 1)) : isSecure ? 443 : 80,
  };
}

/**
 * The `error.type` of a physical request: the fanout error code (`FANOUT_CONNECTION`, …) when it
 * failed, the status code as a string for a 4xx or 5xx response, or `undefined` when it
 * succeeded.
 */
export function errorType(status: number | undefined, error: unknown): string | undefined {
  if (error !== undefined) {
    if (isFanoutError(error)) return error.code;
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return code;
    return error instanceof Error ? error.name : '_OTHER';
  }
  return status !== undefined && status >= 400 ? String(status) : undefined;
}
