import type { AttemptRecord, RequestRecord } from './request-record.ts';
import type { Trace } from './trace.ts';
import { fanoutVersion } from './version.ts';

/** A name/value pair of a HAR header or query string list. */
export interface HarNameValue {
  /** The header or parameter name. */
  name: string;
  /** Its value (a secret one replaced, as everywhere in a trace). */
  value: string;
}

/** A HAR cookie. fanout always gives empty cookie lists: cookie values are secrets. */
export interface HarCookie {
  /** The cookie's name. */
  name: string;
  /** The cookie's value. */
  value: string;
}

/** The `log.creator` of a HAR file. */
export interface HarCreator {
  /** The program that wrote the file: `fanout`. */
  name: string;
  /** Its version. */
  version: string;
}

/** Page load timings, in ms since the page started; -1 when not applicable. */
export interface HarPageTimings {
  /** Always -1: a trace has no document to load. */
  onContentLoad: number;
  /** The end of the trace (its wall time), in ms. */
  onLoad: number;
}

/** A HAR page: here, the whole trace. */
export interface HarPage {
  /** When the trace began (ISO 8601). */
  startedDateTime: string;
  /** The page's id, which every entry's `pageref` names. */
  id: string;
  /** The trace's name. */
  title: string;
  /** The page's timings. */
  pageTimings: HarPageTimings;
}

/** The request of a HAR entry. */
export interface HarRequest {
  /** The request method. */
  method: string;
  /** The URL as sent, redacted. */
  url: string;
  /** `HTTP/1.1` or `HTTP/2.0`, or empty when the request never went on the wire. */
  httpVersion: string;
  /** Always empty: cookie values are secrets. */
  cookies: HarCookie[];
  /** The request headers as sent, secret values replaced. */
  headers: HarNameValue[];
  /** The query parameters of `url`. */
  queryString: HarNameValue[];
  /** Not measured: always -1. */
  headersSize: number;
  /** Not measured: always -1. */
  bodySize: number;
}

/** The response body of a HAR entry (its text is never included). */
export interface HarContent {
  /** Decoded body bytes. */
  size: number;
  /** The response's `content-type`, or `x-unknown`. */
  mimeType: string;
}

/** The response of a HAR entry; status 0 when the attempt got none. */
export interface HarResponse {
  /** The status code; 0 when the attempt got no response. */
  status: number;
  /** The reason phrase. */
  statusText: string;
  /** `HTTP/1.1` or `HTTP/2.0`, or empty when no response came. */
  httpVersion: string;
  /** Always empty: cookie values are secrets. */
  cookies: HarCookie[];
  /** The response headers, secret values replaced. */
  headers: HarNameValue[];
  /** The response body's size and type. */
  content: HarContent;
  /** The `Location` of a redirect, redacted; empty otherwise. */
  redirectURL: string;
  /** Not measured: always -1. */
  headersSize: number;
  /** Body bytes as received (before decoding), or -1 when unknown. */
  bodySize: number;
}

/**
 * The phases of a HAR entry, in ms. `blocked`, `dns`, `connect` and `ssl` are -1 when they do
 * not apply; `send`, `wait` and `receive` are never negative.
 */
export interface HarTimings {
  /**
   * Waiting before the request was written, from the entry's start: for its turn in a rate limit
   * (also in `_limited`), then in undici's pool for a connection.
   */
  blocked: number;
  /** DNS resolution: always -1 (undici does not expose it). */
  dns: number;
  /** Opening the connection, TLS included; -1 when this attempt did not open it. */
  connect: number;
  /** The TLS handshake (inside `connect`); -1 for plain http, a reused socket or a proxy. */
  ssl: number;
  /** From the connection being ready to the request being written. */
  send: number;
  /** From the request written to the response's first byte (the upload's end included). */
  wait: number;
  /** From the first byte to the end of the body. */
  receive: number;
  /** How fanout measures these phases (dns, ssl and send), in words. */
  comment?: string;
}

/** One HAR entry: one attempt on the wire (a first try, a retry or a redirect hop). */
export interface HarEntry {
  /** The id of the entry's page (the trace). */
  pageref: string;
  /** When the attempt started (ISO 8601). */
  startedDateTime: string;
  /** The sum of the non-negative timings, in ms. */
  time: number;
  /** The request as sent. */
  request: HarRequest;
  /** The response; status 0 when none came. */
  response: HarResponse;
  /** Always empty. */
  cache: Record<string, never>;
  /** The phases of the attempt. */
  timings: HarTimings;
  /** For HTTP/2: the session's number ({@link AttemptRecord.connectionId}), as a string. */
  connection?: string;
  /** For HTTP/2: the stream id on that session ({@link AttemptRecord.streamId}). */
  _stream?: number;
  /**
   * Whether the attempt reused an open keep-alive socket or HTTP/2 session
   * ({@link AttemptRecord.reused}); absent when it never went on the wire.
   */
  _reused?: boolean;
  /** The trace's id of the call this attempt belongs to ({@link RequestRecord.id}). */
  _requestId: number;
  /** 1 for the first attempt of the call, 2 for the next retry or hop, and so on. */
  _attempt: number;
  /** How long the consumer was blocked on the call, in ms ({@link RequestRecord.blocked}). */
  _blocked: number;
  /** How long a rate limit held the attempt back, in ms (part of `timings.blocked`); 0 when none did. */
  _limited: number;
  /** How the attempt ended. */
  _outcome: AttemptRecord['outcome'];
  /** The error code of a failed or cancelled attempt. */
  _error?: string;
  /** Why a session policy sent the attempt: `hedge` ({@link AttemptRecord.role}). */
  _role?: AttemptRecord['role'];
}

/** A HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/). */
export interface Har {
  /** The HAR log: its creator, the trace as its one page, and one entry per attempt. */
  log: {
    /** The HAR version: `1.2`. */
    version: '1.2';
    /** The program that wrote it. */
    creator: HarCreator;
    /** One page: the trace. */
    pages: HarPage[];
    /** One entry per attempt, ordered by start. */
    entries: HarEntry[];
  };
}

/** The parts of a {@link Trace} a HAR is made of. */
export type HarSource = Pick<Trace, 'name' | 'startedAt' | 'wallTime' | 'requests'>;

const PAGE_ID = 'page_1';
const COMMENT =
  'dns is -1: undici does not report name resolution apart. ssl is the TLS handshake, included ' +
  'in connect (as HAR 1.2 asks) and so not counted again in time; -1 for plain http, a reused ' +
  'socket or a proxy. send is from the connection being ready to the request being written; undici does ' +
  'not report the end of the upload, which is counted in wait.';

// Milliseconds rounded to the microsecond, so that sums compare equal after a JSON round trip.
const round = (ms: number) => Math.round(ms * 1000) / 1000;

const nonNegative = (ms: number) => round(Math.max(0, ms));

/** When an entry starts: when a rate limit began holding the attempt back, else its dispatch. */
function harStart(attempt: AttemptRecord): number {
  return attempt.limitedAt ?? attempt.startedAt;
}

/**
 * The HAR timings of `attempt`, ending at `end` when it has not ended yet. The phases are
 * contiguous, so their sum is the attempt's duration: blocked (waiting for a rate limit's turn,
 * then in undici's pool for a connection), connect (only when this attempt opened the connection), send, wait (to the first
 * byte), receive (the body).
 */
export function harTimings(attempt: AttemptRecord, end: number): HarTimings {
  const start = harStart(attempt);
  const ended = attempt.endedAt ?? end;
  const timings: HarTimings = {
    blocked: nonNegative(ended - start),
    dns: -1,
    connect: -1,
    ssl: -1,
    send: 0,
    wait: 0,
    receive: 0,
  };
  const sent = attempt.sentAt;
  if (sent === undefined) return timings; // never written: waited for a socket, or failed to get one
  const { connectStart, connectEnd } = attempt;
  if (connectStart !== undefined && connectEnd !== undefined) {
    // The connection may have been opened for a request that gave up its place: clip to this one.
    const opened = Math.min(Math.max(connectStart, start), sent);
    const ready = Math.min(Math.max(connectEnd, opened), sent);
    timings.blocked = nonNegative(opened - start);
    timings.connect = nonNegative(ready - opened);
    timings.send = nonNegative(sent - ready);
    if (attempt.tlsStart !== undefined) {
      timings.ssl = nonNegative(ready - Math.min(Math.max(attempt.tlsStart, opened), ready));
    }
  } else {
    timings.blocked = nonNegative(sent - start);
  }
  const firstByte = attempt.firstByteAt;
  if (firstByte === undefined) {
    timings.wait = nonNegative(ended - sent);
  } else {
    timings.wait = nonNegative(firstByte - sent);
    timings.receive = nonNegative(ended - firstByte);
  }
  return timings;
}

/**
 * An entry's `time`: the sum of its non-negative phases, `ssl` left out since HAR 1.2 counts it
 * inside `connect` (as browsers' HAR files do).
 */
export function harTime(timings: HarTimings): number {
  const phases = [
    timings.blocked,
    timings.dns,
    timings.connect,
    timings.send,
    timings.wait,
    timings.receive,
  ];
  return round(phases.reduce((sum, ms) => (ms > 0 ? sum + ms : sum), 0));
}

function header(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  return headers.find(([key]) => key === name)?.[1];
}

function queryOf(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function harRequest(attempt: AttemptRecord): HarRequest {
  const url = attempt.url;
  return {
    method: attempt.method,
    url,
    httpVersion: attempt.protocol ?? '',
    cookies: [],
    headers: attempt.requestHeaders.map(([name, value]) => ({ name, value })),
    queryString: queryOf(url),
    headersSize: -1,
    bodySize: -1,
  };
}

function harResponse(attempt: AttemptRecord): HarResponse {
  const headers = attempt.responseHeaders;
  if (attempt.outcome !== 'ok' || headers === undefined) {
    return {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    };
  }
  const redirectURL = header(headers, 'location') ?? ''; // resolved and redacted by the record
  const length = header(headers, 'content-length');
  const isEncoded = header(headers, 'content-encoding') !== undefined;
  return {
    status: attempt.status ?? 0,
    statusText: attempt.statusText ?? '',
    httpVersion: attempt.protocol ?? '',
    cookies: [],
    headers: headers.map(([name, value]) => ({ name, value })),
    content: { size: attempt.bytes, mimeType: header(headers, 'content-type') ?? 'x-unknown' },
    redirectURL,
    headersSize: -1,
    bodySize: !isEncoded ? attempt.bytes : length === undefined ? -1 : Number(length),
  };
}

function harEntry(
  record: RequestRecord,
  attempt: AttemptRecord,
  index: number,
  source: HarSource,
): HarEntry {
  const timings = harTimings(attempt, source.wallTime);
  timings.comment = COMMENT;
  const entry: HarEntry = {
    pageref: PAGE_ID,
    startedDateTime: new Date(source.startedAt.getTime() + harStart(attempt)).toISOString(),
    time: harTime(timings),
    request: harRequest(attempt),
    response: harResponse(attempt),
    cache: {},
    timings,
    _requestId: record.id,
    _attempt: index + 1,
    _blocked: round(record.blocked),
    _limited:
      attempt.limitedAt === undefined ? 0 : nonNegative(attempt.startedAt - attempt.limitedAt),
    _outcome: attempt.outcome,
  };
  if (attempt.connectionId !== undefined) entry.connection = String(attempt.connectionId);
  if (attempt.streamId !== undefined) entry._stream = attempt.streamId;
  if (attempt.reused !== undefined) entry._reused = attempt.reused;
  if (attempt.errorCode !== undefined) entry._error = attempt.errorCode;
  if (attempt.role !== undefined) entry._role = attempt.role;
  return entry;
}

/**
 * The trace as a HAR 1.2 document, to open in browser DevTools or any HAR viewer: one page (the
 * trace) and one entry per attempt, as browsers record each redirect hop and retry apart. Entries
 * are ordered by start; `_requestId` groups the attempts of one call and `_blocked` is how long
 * the consumer waited for that call. URLs, headers and redirect targets are redacted as in the
 * trace; cookies and bodies are never included.
 */
export function toHAR(source: HarSource): Har {
  const entries: { at: number; entry: HarEntry }[] = [];
  for (const record of source.requests) {
    record.attempts.forEach((attempt, index) => {
      entries.push({
        at: harStart(attempt),
        entry: harEntry(record, attempt, index, source),
      });
    });
  }
  entries.sort((a, b) => a.at - b.at);
  return {
    log: {
      version: '1.2',
      creator: { name: 'fanout', version: fanoutVersion() },
      pages: [
        {
          startedDateTime: source.startedAt.toISOString(),
          id: PAGE_ID,
          title: source.name,
          pageTimings: { onContentLoad: -1, onLoad: round(source.wallTime) },
        },
      ],
      entries: entries.map(({ entry }) => entry),
    },
  };
}
