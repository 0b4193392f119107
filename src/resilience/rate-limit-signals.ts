/**
 * What a response says of the client's rate limit on the server, read from its headers: how long
 * to send nothing more to it. Pure: no clock but the `now` it is given.
 *
 * Read, in this order (the longest wait any of them asks for wins):
 *
 * - `Retry-After` on a 429 or 503: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). On other
 *   statuses it means something else (a redirect's pause) and is not read.
 * - `RateLimit` of draft-ietf-httpapi-ratelimit-headers (-08 on, a structured list): each item's
 *   `r` (remaining) and `t` (seconds to reset), as in `"default";r=0;t=30`; an item with `r=0`
 *   asks for `t`. The -07 dictionary form `limit=100, remaining=0, reset=30` is read too.
 * - `RateLimit-Remaining` with `RateLimit-Reset` (the drafts up to -06: delta-seconds).
 * - `X-RateLimit-Remaining` with `X-RateLimit-Reset` (GitHub, Twitter/X and many others): a reset
 *   above 10⁹ is a Unix time in seconds (GitHub's), otherwise delta-seconds.
 *
 * A remaining count above 0 asks for nothing: the limiter's own rate spaces the requests; only
 * "none left until the reset" stops it. `RateLimit-Policy` (the quota itself) is not read.
 *
 * @internal
 */

import { parseRetryAfter } from '../http/retry.ts';

/** The response headers, as a `Response` has them. */
type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** A Unix time in seconds, not a delay, when an `X-RateLimit-Reset` is above this (2001-09-09). */
const EPOCH_SECONDS_FROM = 1e9;

/**
 * How long, in ms from `now` (`Date.now()` time, for an HTTP-date or a Unix time), the response
 * asks for no more requests to be sent; `undefined` when it asks for no pause.
 */
export function serverPause(status: number, headers: Headers, now: number): number | undefined {
  let pause: number | undefined;
  if (status === 429 || status === 503)
    pause = parseRetryAfter(single(headers['retry-after']), now);
  pause = longer(pause, draftPause(single(headers.ratelimit)));
  pause = longer(
    pause,
    countPause(headers['ratelimit-remaining'], headers['ratelimit-reset'], now, false),
  );
  return longer(
    pause,
    countPause(headers['x-ratelimit-remaining'], headers['x-ratelimit-reset'], now, true),
  );
}

// The pause a `RateLimit` field asks for: the longest `t` of its items with `r=0` (-08 on), or
// `reset` when `remaining=0` (-07).
function draftPause(field: string | undefined): number | undefined {
  if (field === undefined) return undefined;
  let pause: number | undefined;
  let remaining: number | undefined;
  let reset: number | undefined;
  for (const member of field.split(',')) {
    let r: number | undefined;
    let t: number | undefined;
    for (const part of member.split(';')) {
      const equals = part.indexOf('=');
      if (equals < 0) continue;
      const name = part.slice(0, equals).trim().toLowerCase();
      const value = seconds(part.slice(equals + 1));
      if (name === 'r') r = value;
      else if (name === 't') t = value;
      else if (name === 'remaining') remaining = value;
      else if (name === 'reset') reset = value;
    }
    if (r === 0 && t !== undefined) pause = longer(pause, t * 1000);
  }
  if (remaining === 0 && reset !== undefined) pause = longer(pause, reset * 1000);
  return pause;
}

// The pause a remaining/reset pair asks for: the reset, when nothing remains.
function countPause(
  remainingField: string | string[] | undefined,
  resetField: string | string[] | undefined,
  now: number,
  mayBeEpoch: boolean,
): number | undefined {
  if (seconds(single(remainingField)) !== 0) return undefined;
  const reset = seconds(single(resetField));
  if (reset === undefined) return undefined;
  if (mayBeEpoch && reset > EPOCH_SECONDS_FROM) return Math.max(0, reset * 1000 - now);
  return reset * 1000;
}

// A non-negative integer of seconds (or a count), or undefined when the text is not one.
function seconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return /^\d{1,12}$/.test(trimmed) ? Number(trimmed) : undefined;
}

// A field given once; one repeated (an array) is ambiguous and not read.
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function longer(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || (b !== undefined && b > a) ? b : a;
}
