import { InvalidRequestError } from '../../errors/invalid-request-error.ts';
import { HeaderRecord } from '../headers.ts';
import type { PreparedRequest } from '../prepared-request.ts';

/**
 * Connection-specific fields (RFC 9113 §8.2.2): they describe an HTTP/1.1 connection, which an
 * HTTP/2 stream does not have, and a message carrying one is malformed. `http2-settings` belongs to
 * the HTTP/1.1 upgrade to h2c (RFC 7540 §3.2.1); Node's http2 refuses it with the others. `host`
 * is not here: it becomes `:authority` (§8.3.1).
 */
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'http2-settings',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

// The characters of an HTTP token (RFC 9110 §5.6.2) by char code: 1 for those allowed in an
// HTTP/2 field name (lower-case only, RFC 9113 §8.2.1), 2 for the upper-case letters, allowed in a
// method only.
const TOKEN_CHARS = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") {
  TOKEN_CHARS[char.charCodeAt(0)] = 1;
}
for (let code = 65; code <= 90; code++) TOKEN_CHARS[code] = 2;

// What a `:path` may not hold: a space, a control character, DEL or anything above U+00FF.
const BAD_PATH = /[^\x21-\x7e\x80-\xff]/;

// What an HTTP/2 field value may not hold: CR, LF, NUL, the other controls but HTAB, DEL, and
// anything above U+00FF (undici's rule on HTTP/1.1). One regex test is the fastest scan V8 has.
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/;
const SMUGGLING = /[\r\n\0]/;

/**
 * Turns a request into its HTTP/2 header block (RFC 9113 §8.2–8.3): the pseudo-headers `:method`,
 * `:scheme`, `:authority` and `:path` first, then the request's own fields. The result is a new
 * record (the request is not changed), ready for `ClientHttp2Session#request`. The HTTP/2
 * transport calls it as a stream is about to start, so a refused request is never sent and opens
 * no stream.
 *
 * - `:authority` is the `host` header when one is set (it is not sent as a field), otherwise the
 *   URL's `host[:port]`; `:scheme` and `:path` come from the URL.
 * - **Dropped**, never sent: the connection-specific fields `connection`, `keep-alive`,
 *   `proxy-connection`, `transfer-encoding`, `upgrade` and `http2-settings`, and every field the
 *   `connection` header names (`connection: close, x-hop` drops `x-hop`). HTTP/2 frames its own
 *   messages, so dropping them loses nothing a server could act on, as an HTTP/1.1-to-HTTP/2
 *   intermediary does (§8.2.2). (On HTTP/1.1 undici refuses `transfer-encoding`, `keep-alive` and
 *   `upgrade`, and consumes `connection` itself.)
 * - `te` is sent only as `te: trailers` (when its list holds `trailers`), and otherwise dropped.
 * - A value a hook left `undefined` is skipped, a number or boolean sent as text.
 * - `content-length` is added for a body of known length (a string, bytes or a `Blob`) when the
 *   request has none, as undici does on HTTP/1.1 (node:http2 does not).
 * - A value's leading and trailing spaces and tabs are trimmed, as HTTP/1.1 servers read them
 *   (§8.2.1 forbids them in HTTP/2, where a server drops the field).
 * - **Refused** with {@link InvalidRequestError}, nothing sent: a field name that starts with `:`
 *   (fanout writes the pseudo-headers itself), has an upper-case letter (HTTP/2 names are
 *   lower-case) or is no HTTP token; a value with CR, LF or NUL (request smuggling), any other
 *   control character or a character above U+00FF (as undici refuses them on HTTP/1.1); a method
 *   that is no token, `CONNECT` (a tunnel, as on HTTP/1.1), or a path with a space, a control
 *   character or a character above U+00FF. Messages name the header, never its value.
 *
 * Cheap per request: one record and one pass over the names; a name is classified by set and
 * table lookups, a value scanned by one regex test and copied only when it has spaces to trim.
 *
 * @throws {InvalidRequestError} for a header, method or path HTTP/2 cannot carry, as listed above.
 * @internal
 */
export function h2Headers(request: PreparedRequest): Record<string, string> {
  const { method, origin, headers } = request;
  checkMethod(request, method);
  const schemeEnd = origin.indexOf('://');
  const block: Record<string, string> = new HeaderRecord();
  block[':method'] = method;
  block[':scheme'] = origin.slice(0, schemeEnd);
  block[':authority'] = origin.slice(schemeEnd + 3);
  block[':path'] = checkPath(request, request.path);
  const connection = headers.connection;
  const nominated = connection === undefined ? undefined : connectionOptions(connection);
  for (const name of Object.keys(headers)) {
    checkName(request, name);
    const given: unknown = headers[name];
    if (given === undefined) continue;
    const value = fieldValue(request, name, given);
    if (CONNECTION_SPECIFIC.has(name) || nominated?.has(name) === true) continue;
    if (name === 'host') {
      if (value !== '') block[':authority'] = value;
    } else if (name === 'te') {
      if (listsTrailers(value)) block.te = 'trailers';
    } else {
      block[name] = value;
    }
  }
  if (block['content-length'] === undefined) {
    const length = knownLength(request.body);
    if (length !== undefined) block['content-length'] = String(length);
  }
  return block;
}

// The byte length of a body whose size is known before it is sent.
function knownLength(body: PreparedRequest['body']): number | undefined {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  if (body instanceof Blob) return body.size;
  return undefined;
}

function checkMethod(request: PreparedRequest, method: string): void {
  let isToken = method.length > 0;
  for (let index = 0; isToken && index < method.length; index++) {
    const code = method.charCodeAt(index);
    isToken = code < 128 && TOKEN_CHARS[code] !== 0;
  }
  if (!isToken) {
    throw new InvalidRequestError(
      `Invalid method ${JSON.stringify(method)}: expected an HTTP token such as "GET"`,
      { request },
    );
  }
  if (method === 'CONNECT') {
    throw new InvalidRequestError(
      'Invalid method "CONNECT": it opens a tunnel, not a request (use a proxy option instead)',
      { request },
    );
  }
}

// The path as `:path`. The message leaves the path out (its query may hold a secret); the error's
// URL is the redacted one.
function checkPath(request: PreparedRequest, path: string): string {
  if (BAD_PATH.test(path)) {
    throw new InvalidRequestError(
      'Invalid request path: it contains a space, a control character or a character above U+00FF',
      { request },
    );
  }
  return path === '' ? '/' : path;
}

function checkName(request: PreparedRequest, name: string): void {
  if (name.charCodeAt(0) === 58 /* : */) {
    throw new InvalidRequestError(
      `Invalid header name ${JSON.stringify(name)}: HTTP/2 pseudo-headers are set by fanout, from the method and URL`,
      { request },
    );
  }
  let kind = name.length === 0 ? 0 : 1;
  for (let index = 0; kind === 1 && index < name.length; index++) {
    const code = name.charCodeAt(index);
    kind = code < 128 ? (TOKEN_CHARS[code] as number) : 0;
  }
  if (kind === 2) {
    throw new InvalidRequestError(
      `Invalid header name ${JSON.stringify(name)}: HTTP/2 header names are lower-case`,
      { request },
    );
  }
  if (kind === 0) {
    throw new InvalidRequestError(`Invalid header name ${JSON.stringify(name)}`, { request });
  }
}

// The value as sent: checked, and trimmed of spaces and tabs at either end (a copy only then).
function fieldValue(request: PreparedRequest, name: string, given: unknown): string {
  const value = typeof given === 'string' ? given : primitiveText(request, name, given);
  if (UNSENDABLE.test(value)) {
    const what = SMUGGLING.test(value)
      ? 'CR, LF or NUL (request smuggling)'
      : 'a control character or a character above U+00FF';
    throw new InvalidRequestError(`Invalid value for header "${name}": it contains ${what}`, {
      request,
    });
  }
  return isBlank(value.charCodeAt(0)) || isBlank(value.charCodeAt(value.length - 1))
    ? value.replace(/^[ \t]+|[ \t]+$/g, '')
    : value;
}

// A number or boolean a hook wrote, as text (as undici sends it on HTTP/1.1); anything else is
// refused.
function primitiveText(request: PreparedRequest, name: string, given: unknown): string {
  if (typeof given === 'number' || typeof given === 'boolean') return String(given);
  throw new InvalidRequestError(
    `Invalid value for header "${name}": expected a string, got ${given === null ? 'null' : typeof given}`,
    { request },
  );
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

// The field names a `connection` header lists (its connection options, RFC 9110 §7.6.1).
function connectionOptions(value: string): ReadonlySet<string> {
  const names = new Set<string>();
  for (const option of value.split(',')) names.add(option.trim().toLowerCase());
  return names;
}

function listsTrailers(value: string): boolean {
  for (const coding of value.split(',')) {
    if (coding.trim().toLowerCase() === 'trailers') return true;
  }
  return false;
}
