import { redactURL } from '../core/redact.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { InvalidURLError } from '../errors/invalid-url-error.ts';
import { HeaderRecord } from './headers.ts';
import { PreparedRequest } from './prepared-request.ts';
import type { Response, ResponseHeaders } from './response.ts';
import { quoteURL } from './url.ts';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'] as const;
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
] as const;

/** Whether a response with this status and these headers is a redirect to follow. */
export function isRedirect(status: number, headers: ResponseHeaders): boolean {
  const location = headers.location;
  return REDIRECT_STATUSES.has(status) && typeof location === 'string' && location !== '';
}

/** The `location` a response redirects to, or `undefined` if it is not a followable redirect. */
export function redirectLocation(response: Response): string | undefined {
  return isRedirect(response.status, response.headers)
    ? (response.headers.location as string)
    : undefined;
}

const NON_ASCII = /[\x80-\xff]/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `location` (header bytes read as Latin-1) read as UTF-8, as browsers, undici's fetch and
 * requests do, when its bytes are valid UTF-8; as Latin-1 otherwise.
 */
function decodeLocation(location: string): string {
  if (!NON_ASCII.test(location)) return location;
  try {
    return UTF8.decode(Buffer.from(location, 'latin1'));
  } catch {
    return location;
  }
}

/**
 * The request that follows `response` to `location`, as browsers and requests do: 303 (and
 * 301/302 after a POST) becomes a GET without body; 307/308 keep the method and body (which
 * must be replayable). A change of origin drops `authorization`, `cookie` and
 * `proxy-authorization`. Only http and https targets are followed. A `Location` in UTF-8 is read as
 * UTF-8.
 */
export function followRedirect(
  request: PreparedRequest,
  response: Response,
  location: string,
): PreparedRequest {
  let target: URL;
  try {
    target = new URL(decodeLocation(location), request.url);
  } catch {
    // No cause: Node's ERR_INVALID_URL carries the input, credentials and all.
    throw new InvalidURLError(
      `Redirect to ${quoteURL(location, request.redactParams)} is not a valid URL`,
    );
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new InvalidURLError(
      `Redirect to ${quoteURL(location, request.redactParams)} refused: only http and https are followed (${request.method} ${redactURL(request.url, request.redactParams)})`,
    );
  }
  const headers: Record<string, string> = Object.assign(new HeaderRecord(), request.headers);
  if (target.origin !== request.origin)
    for (const name of ORIGIN_BOUND_HEADERS) delete headers[name];
  const status = response.status;
  const becomesGet =
    status === 303
      ? request.method !== 'HEAD'
      : (status === 301 || status === 302) && request.method === 'POST';
  if (becomesGet) {
    for (const name of BODY_HEADERS) delete headers[name];
    return new PreparedRequest(
      'GET',
      target.origin,
      target.pathname + target.search,
      headers,
      null,
      true,
      request.redactParams,
    );
  }
  if (request.body !== null && !request.isBodyReplayable) {
    throw new InvalidRequestError(
      `Cannot follow ${status} to ${redactURL(target.href, request.redactParams)}: the request body is a stream and cannot be sent again`,
      { request },
    );
  }
  return new PreparedRequest(
    request.method,
    target.origin,
    target.pathname + target.search,
    headers,
    request.body,
    request.isBodyReplayable,
    request.redactParams,
  );
}
