import type { PreparedRequest } from '../../http/prepared-request.ts';
import type { Response } from '../../http/response.ts';
import type { StoredResponse } from './cache-entry.ts';
import { storableHeaders, UNSTORED } from './stored-response.ts';

/** Request headers that make a request conditional or partial: the caller manages those itself. */
const CALLER_CONDITIONS = [
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
  'range',
];

/** Whether the caller made the request conditional or partial itself (the cache then stays out). */
export function isCallerConditional(request: PreparedRequest): boolean {
  return CALLER_CONDITIONS.some((name) => request.headers[name] !== undefined);
}

/**
 * A copy of `request` that asks the origin whether `stored` is still current (RFC 9111 §4.3.1):
 * `If-None-Match` with its `ETag`, `If-Modified-Since` with its `Last-Modified`. `undefined` when
 * it has neither validator.
 */
export function conditionalRequest(
  request: PreparedRequest,
  stored: StoredResponse,
): PreparedRequest | undefined {
  const etag = stored.headers.etag;
  const lastModified = stored.headers['last-modified'];
  if (etag === undefined && lastModified === undefined) return undefined;
  const conditional = request.copy();
  if (etag !== undefined) conditional.headers['if-none-match'] = etag;
  if (lastModified !== undefined) conditional.headers['if-modified-since'] = lastModified;
  return conditional;
}

// A 304's fields that do not replace the stored ones (RFC 9111 §3.2): the stored body's length
// stays, and hop-by-hop fields, cookies and the cache's marker are never stored.
const NOT_UPDATED = new Set(['content-length', ...UNSTORED]);

/**
 * `stored` freshened by a `304 Not Modified` (RFC 9111 §4.3.4): the 304's header fields replace
 * the stored ones, and the exchange's times become the entry's.
 */
export function freshen(
  stored: StoredResponse,
  notModified: Response,
  requestTime: number,
  responseTime: number,
): StoredResponse {
  return {
    ...stored,
    headers: Object.assign(
      Object.create(null),
      stored.headers,
      storableHeaders(notModified.headers, NOT_UPDATED),
    ),
    requestTime,
    responseTime,
  };
}
