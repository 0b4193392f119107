import type { OutgoingHttpHeaders } from 'node:http2';
import type { Dispatcher } from 'undici';

// Header fields that are specific to an HTTP/1.1 connection: RFC 9113 §8.2.2 forbids them in an
// HTTP/2 request (node:http2 would throw on most of them). `host` becomes `:authority`.
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'host',
]);

/**
 * The header block of one HTTP/2 request: the pseudo-headers (`:method`, `:scheme`,
 * `:authority`, `:path`) and the request's fields with lower-case names, connection-specific
 * fields dropped (RFC 9113 §8.2.2: `te` only as `trailers`), a `host` field as the authority, and
 * a `content-length` for a body of known length when none is given.
 *
 * @internal
 */
export function requestHeaders(
  options: Dispatcher.DispatchOptions,
  scheme: string,
  authority: string,
): OutgoingHttpHeaders {
  const block: OutgoingHttpHeaders = {
    ':method': options.method,
    ':scheme': scheme,
    ':authority': authority,
    ':path': options.path,
  };
  const given = options.headers as Readonly<Record<string, string>> | null | undefined;
  if (given) {
    for (const key of Object.keys(given)) {
      const name = key.toLowerCase();
      const value = given[key] as string;
      if (CONNECTION_SPECIFIC.has(name)) {
        if (name === 'host') block[':authority'] = value;
        continue;
      }
      if (name === 'te' && value.trim().toLowerCase() !== 'trailers') continue;
      block[name] = value;
    }
  }
  if (block['content-length'] === undefined) {
    const body = options.body;
    if (typeof body === 'string') block['content-length'] = Buffer.byteLength(body);
    else if (body instanceof Uint8Array) block['content-length'] = body.byteLength;
    else if (body instanceof Blob) block['content-length'] = body.size;
  }
  return block;
}
