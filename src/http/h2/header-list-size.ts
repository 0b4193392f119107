import type { IncomingHttpHeaders, IncomingHttpStatusHeader } from 'node:http2';
import { errors } from 'undici';

// The size RFC 9113 §6.5.2 counts per field on top of its name and value.
const FIELD_OVERHEAD = 32;
// `:status` and its three digits, the one field node:http2 hands over as a number.
const STATUS_FIELD = ':status'.length + 3 + FIELD_OVERHEAD;

/**
 * Whether a response header list, as node:http2 hands it to `'response'`, is larger than `limit`
 * bytes, counted as SETTINGS_MAX_HEADER_LIST_SIZE counts (RFC 9113 §6.5.2): each field's name and
 * value plus 32. A field node:http2 keeps as an array (`set-cookie`) counts once per value; one it
 * joined (`a, b`) counts as one field, a few bytes short of the fields it was. Stops counting once
 * past `limit`; reads the record in place, allocating nothing.
 *
 * @internal
 */
export function isHeaderListTooLarge(
  headers: IncomingHttpHeaders & IncomingHttpStatusHeader,
  limit: number,
): boolean {
  let size = 0;
  for (const name in headers) {
    const value: unknown = headers[name];
    if (typeof value === 'string') {
      size += name.length + value.length + FIELD_OVERHEAD;
    } else if (Array.isArray(value)) {
      for (const item of value as string[]) size += name.length + item.length + FIELD_OVERHEAD;
    } else {
      size += STATUS_FIELD;
    }
    if (size > limit) return true;
  }
  return false;
}

/**
 * The error of an HTTP/2 response head refused as too large, `why` saying by what: undici's
 * `HeadersOverflowError`, the one an HTTP/1.1 head over undici's limit fails with, so the caller
 * sees one error (`ConnectionError`, "Connection failed (UND_ERR_HEADERS_OVERFLOW)") for one
 * fault on either protocol.
 *
 * @internal
 */
export function headersOverflow(why: string): Error {
  return new errors.HeadersOverflowError(`Headers Overflow Error: ${why}`);
}
