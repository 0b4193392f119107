import { Readable } from 'node:stream';
import type { PreparedRequest } from '../../http/prepared-request.ts';
import { Response } from '../../http/response.ts';
import type { StoredResponse } from './cache-entry.ts';
import { CACHE_OUTCOME_HEADER, type CacheOutcome } from './cache-outcome.ts';

// Never stored: hop-by-hop fields (RFC 9110 §7.6.1), cookies meant for the client that got the
// response (a shared cache would hand them to everyone), and the cache's own marker.
export const UNSTORED: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'set-cookie',
  CACHE_OUTCOME_HEADER,
]);

/**
 * The headers of `response` that the cache keeps: all but hop-by-hop fields (and those its
 * `Connection` names), `set-cookie` and the cache's own marker.
 */
export function storableHeaders(
  headers: Response['headers'],
  except: ReadonlySet<string> = UNSTORED,
): Record<string, string> {
  const named = headers.connection;
  const connection = new Set(
    typeof named === 'string' ? named.split(',').map((name) => name.trim().toLowerCase()) : [],
  );
  const kept: Record<string, string> = Object.create(null);
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (typeof value !== 'string' || except.has(name) || connection.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}

/** A buffered response as the cache stores it, with the times of its exchange (epoch ms). */
export function toStoredResponse(
  response: Response,
  requestTime: number,
  responseTime: number,
): StoredResponse {
  return {
    kind: 'response',
    status: response.status,
    reason: response.reason,
    headers: storableHeaders(response.headers),
    body: response.content,
    requestTime,
    responseTime,
  };
}

/**
 * A stored response served for `request`, with its current `Age` (RFC 9111 §5.1, whole seconds)
 * and the outcome in `x-fanout-cache`. `elapsed` is the time the cache took to answer; `stream`
 * gives the body as a stream, as the caller asked.
 */
export function fromStoredResponse(
  stored: StoredResponse,
  request: PreparedRequest,
  outcome: CacheOutcome,
  age: number,
  elapsed: number,
  stream: boolean,
): Response {
  const headers: Record<string, string> = Object.assign(Object.create(null), stored.headers);
  headers.age = String(Math.floor(age / 1000));
  headers[CACHE_OUTCOME_HEADER] = outcome;
  const chunks = stored.body.byteLength === 0 ? [] : [Buffer.from(stored.body)];
  const body = stream ? Readable.from(chunks, { objectMode: false }) : stored.body;
  return new Response(request, stored.status, stored.reason, headers, body, elapsed);
}

/** `response` with the outcome in `x-fanout-cache` (a copy: responses are not changed). */
export function withOutcome(response: Response, outcome: CacheOutcome): Response {
  const headers = Object.assign(Object.create(null), response.headers, {
    [CACHE_OUTCOME_HEADER]: outcome,
  });
  return new Response(
    response.request,
    response.status,
    response.reason,
    headers,
    response.body ?? response.content,
    response.elapsed,
  );
}
