import { type InspectOptionsStylized, inspect } from 'node:util';
import type { Inspect } from '../core/inspect.ts';
import { isFanoutError } from '../errors/fanout-error.ts';
import { Future, futureController } from '../futures/future.ts';
import type { AttemptObserver, CallObserver, H2SessionContext } from '../http/observer.ts';
import type { PreparedRequest } from '../http/prepared-request.ts';
import { redactHeaders } from '../http/prepared-request.ts';
import type { Response } from '../http/response.ts';
import type { AttemptRole, PolicyEvent } from '../http/session-policy.ts';
import {
  type ConnectionFacts,
  type ConnectionTaker,
  h2Connection,
  takeConnection,
} from './connections.ts';
import { inspectRequestRecord } from './inspect-trace.ts';
import { NO_POLICY_RECORDS, type PolicyRecord } from './policy-record.ts';
import { millis, type RecordContext } from './record-context.ts';

/** How a request or attempt ended. */
export type Outcome = 'pending' | 'ok' | 'error' | 'cancelled';

function outcomeOf(error: unknown): Outcome {
  return (error as { code?: string } | undefined)?.code === 'FANOUT_CANCELLED'
    ? 'cancelled'
    : 'error';
}

function codeOf(error: unknown): string | undefined {
  if (isFanoutError(error)) return error.code;
  return (error as { code?: string } | undefined)?.code ?? (error as Error | undefined)?.name;
}

function headerList(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  redactLocation?: (location: string) => string,
) {
  const list: [string, string][] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name === 'set-cookie') list.push([name, '[REDACTED]']);
    else if (name === 'location' && redactLocation !== undefined && typeof value === 'string')
      list.push([name, redactLocation(value)]);
    else list.push([name, Array.isArray(value) ? value.join(', ') : value]);
  }
  return list;
}

// The helpers of AttemptRecord are functions rather than private methods: a class with private
// methods gives each instance a brand slot, 8 bytes more per attempt recorded.

// A connection time (`performance.now()`) as the trace's other times: ms, on the µs grid.
function connectionTime(context: RecordContext, at: number | undefined): number | undefined {
  return at === undefined ? undefined : millis(context.microsAt(at));
}

// A Location may carry credentials or secret parameters like any URL (an OAuth `code`).
function redactLocation(
  context: RecordContext,
  request: PreparedRequest,
  location: string,
): string {
  try {
    return context.redact(new URL(location, request.url).href, request);
  } catch {
    return '[REDACTED]';
  }
}

/**
 * One exchange on the wire: the first try, a retry, or a redirect hop. Times are milliseconds
 * since the trace began; a phase that did not happen stays `undefined`.
 */
export class AttemptRecord implements AttemptObserver, ConnectionTaker {
  /** The method of this attempt (a redirect may change it to GET). */
  readonly method: string;
  /**
   * Why a policy sent this attempt: `hedge` for the second copy of an attempt still in flight
   * (the copy that loses the race ends `cancelled`, not `error`). Undefined for the session's own.
   */
  readonly role: AttemptRole | undefined;
  /** The response status; undefined until the headers arrive. */
  status: number | undefined;
  /** The response's reason phrase. */
  statusText: string | undefined;
  /** Body bytes received (decompressed). */
  bytes = 0;
  /** The error code of a failed or cancelled attempt. */
  errorCode: string | undefined;
  /** How the attempt ended; `pending` while it runs. */
  outcome: Outcome = 'pending';
  readonly #context: RecordContext;
  // The request and the response headers as they were: kept by reference (immutable once sent or
  // received) and redacted only when an output asks, so recording costs no copies.
  readonly #request: PreparedRequest;
  #responseHeaders: Response['headers'] | undefined;
  // Times in whole µs since the trace began (see RecordContext.micros); the getters give ms.
  #started = 0;
  #sent: number | undefined;
  #firstByte: number | undefined;
  #ended: number | undefined;
  // What undici's events told of the socket, or an HTTP/2 stream of its session, as given
  // (shared by every reuse of a socket or session).
  #connection: ConnectionFacts | undefined;
  // The HTTP/2 stream id; undefined for HTTP/1.1.
  #stream: number | undefined;
  // When a rate limit started holding this attempt back (µs), if one did.
  readonly #limited: number | undefined;

  constructor(
    request: PreparedRequest,
    context: RecordContext,
    role?: AttemptRole,
    limited?: number,
  ) {
    this.#context = context;
    this.#request = request;
    this.method = request.method;
    this.role = role;
    this.#limited = limited;
  }

  /** Dispatched to undici's pool. */
  get startedAt(): number {
    return millis(this.#started);
  }

  /**
   * When a rate limit started holding this attempt back (its wait ends at `startedAt`); undefined
   * when none did. The HAR counts the wait in the entry's `blocked`.
   */
  get limitedAt(): number | undefined {
    return millis(this.#limited);
  }

  /** TCP connect began (only when this attempt opened the connection). */
  get connectStart(): number | undefined {
    return connectionTime(this.#context, this.#connection?.connectStart);
  }

  /** TCP connect (and the TLS handshake, for https) ended. */
  get connectEnd(): number | undefined {
    return connectionTime(this.#context, this.#connection?.connectEnd);
  }

  /** Whether the connection is TLS (its handshake is part of the connect phase). */
  get isSecure(): boolean | undefined {
    return this.#connection?.secure;
  }

  /**
   * When the TLS handshake began (the TCP connect ended); it ends at `connectEnd`. Undefined for
   * plain http, a reused socket, or a connection made through a proxy.
   */
  get tlsStart(): number | undefined {
    return connectionTime(this.#context, this.#connection?.tlsStart);
  }

  /**
   * Whether the attempt used a keep-alive socket, or an HTTP/2 session, that was already open
   * (had served a request before).
   */
  get reused(): boolean | undefined {
    return this.#connection?.reused;
  }

  /** The protocol the attempt went out on; undefined when it never went on the wire. */
  get protocol(): 'HTTP/1.1' | 'HTTP/2.0' | undefined {
    return this.#connection?.protocol;
  }

  /**
   * The HTTP/2 session the attempt went on: its number, unique in the process, from 1 in the
   * order sessions open. Undefined for HTTP/1.1.
   */
  get connectionId(): number | undefined {
    return this.#connection?.session;
  }

  /** The HTTP/2 stream id of the attempt on its session (1, 3, 5, …); undefined for HTTP/1.1. */
  get streamId(): number | undefined {
    return this.#stream;
  }

  /** The request went on the wire. */
  get sentAt(): number | undefined {
    return millis(this.#sent);
  }

  /** The response headers arrived (first byte). */
  get firstByteAt(): number | undefined {
    return millis(this.#firstByte);
  }

  /** The body was read, or the attempt failed. */
  get endedAt(): number | undefined {
    return millis(this.#ended);
  }

  /** The URL, credentials and secret query parameters redacted. */
  get url(): string {
    return this.#context.redact(this.#request.url, this.#request);
  }

  /** Request headers as sent, `authorization`, `cookie` and `proxy-authorization` redacted. */
  get requestHeaders(): readonly [string, string][] {
    return headerList(redactHeaders(this.#request.headers));
  }

  /**
   * Response headers, `set-cookie` redacted and `location` resolved and redacted like a URL;
   * undefined without a response.
   */
  get responseHeaders(): readonly [string, string][] | undefined {
    if (this.#responseHeaders === undefined) return undefined;
    const context = this.#context;
    const request = this.#request;
    return headerList(this.#responseHeaders, (location) =>
      redactLocation(context, request, location),
    );
  }

  dispatched(at: number): void {
    this.#started = this.#context.microsAt(at);
  }

  /** @internal */
  sent(session: H2SessionContext | undefined): void {
    this.#sent = this.#context.micros();
    if (session === undefined) {
      takeConnection(this);
      return;
    }
    this.#connection = h2Connection(session, this.#request.origin.startsWith('https:'));
    this.#stream = session.nextStreamId;
  }

  /** @internal The connection this attempt went out on (the {@link ConnectionTaker} seam). */
  connection(facts: ConnectionFacts): void {
    this.#connection = facts;
  }

  headers(status: number): void {
    this.#firstByte = this.#context.micros();
    this.status = status;
  }

  ended(response: Response | undefined, error: Error | undefined, at: number): void {
    if (this.#ended !== undefined) return;
    this.#ended = this.#context.microsAt(at);
    if (response !== undefined) {
      this.outcome = 'ok';
      this.#responseHeaders = response.headers;
      this.status = response.status;
      this.statusText = response.reason;
      this.bytes = response.body === undefined ? response.content.length : 0;
    } else {
      this.outcome = outcomeOf(error);
      this.errorCode = codeOf(error);
    }
  }
}

// Time held back by rate limits (µs, every wait summed), and the start of the last wait, kept
// until the attempt it held back is made.
interface RateWait {
  total: number;
  from: number | undefined;
}

/**
 * One session call as the trace sees it: queued, started (worker slot acquired), its attempts,
 * resolved; and on the consumer side, when its result was first asked for and how long the asker
 * was blocked waiting for it. Times are milliseconds since the trace began.
 */
export class RequestRecord implements CallObserver {
  /** 1, 2, 3… in the order the trace saw the calls. */
  readonly id: number;
  /** The method the call was made with. */
  readonly method: string;
  /** The final response's status; undefined until it arrives. */
  status: number | undefined;
  /** Body bytes of the final response (decompressed; 0 for a streamed one). */
  bytes = 0;
  /** The error code of a failed or cancelled call. */
  errorCode: string | undefined;
  /** How the call ended; `pending` while it runs. */
  outcome: Outcome = 'pending';
  readonly #context: RecordContext;
  // The first request, kept by reference; its URL is redacted when an output asks.
  readonly #request: PreparedRequest;
  // Times in whole µs since the trace began (see RecordContext.micros); the getters give ms.
  // The call is made by the code that observes it, which then, before it returns, starts it
  // (`started`), asks for it (`asked`: a Session call), hands out its future (`bind`) or fails
  // it (`ended`): the first of these sets #queued, so a call that starts at once costs no clock
  // read of its own.
  #queued: number | undefined;
  #started: number | undefined;
  #resolved: number | undefined;
  #asked: number | undefined;
  // The first attempt alone, until a second one comes or the list is read: most calls make one
  // attempt, and need no array.
  #firstAttempt: AttemptRecord | undefined;
  #attempts: AttemptRecord[] | undefined;
  // The policies' records, in order; no array until the first (most calls have none).
  #events: PolicyRecord[] | undefined;
  // Rate limits' waits, once one held the call back (most calls never wait: one field, no object).
  #rateWait: RateWait | undefined;

  constructor(id: number, request: PreparedRequest, context: RecordContext) {
    this.id = id;
    this.#context = context;
    this.#request = request;
    this.method = request.method;
  }

  /** What `console.log` prints: id, method, redacted URL, outcome and times (docs/TRACING.md). */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn: Inspect): string {
    const attempts = this.#attempts?.length ?? (this.#firstAttempt === undefined ? 0 : 1);
    return inspectRequestRecord(this, attempts, depth, options, inspectFn);
  }

  /** When the call was made. */
  get queuedAt(): number {
    this.#queued ??= this.#context.micros();
    return millis(this.#queued);
  }

  /** When the call got its worker slot and started. */
  get startedAt(): number | undefined {
    return millis(this.#started);
  }

  /** When the call ended: its result (or error) was there. */
  get resolvedAt(): number | undefined {
    return millis(this.#resolved);
  }

  /** When the consumer first asked for the result (`await`, `result()`, `wait`…). */
  get askedAt(): number | undefined {
    return millis(this.#asked);
  }

  /** The exchanges on the wire: the first try, then each retry and redirect hop, in order. */
  get attempts(): readonly AttemptRecord[] {
    this.#attempts ??= this.#firstAttempt === undefined ? [] : [this.#firstAttempt];
    return this.#attempts;
  }

  /** The URL of the first request, credentials and secret query parameters redacted. */
  get url(): string {
    return this.#context.redact(this.#request.url, this.#request);
  }

  /**
   * How long the consumer waited for this request, in ms: from the moment it first asked to the
   * moment the result was there (0 when it was already there, or nobody asked).
   */
  get blocked(): number {
    if (this.#asked === undefined) return 0;
    const end = this.#resolved ?? this.#context.micros();
    return millis(Math.max(0, end - this.#asked));
  }

  /**
   * How long rate limits held the call's attempts back, in ms (every wait summed, one that ended
   * the call unsent included); 0 when none did.
   */
  get rateLimited(): number {
    return millis(this.#rateWait?.total ?? 0);
  }

  /** Marks the result as asked for now, unless it was asked for before. */
  asked(): void {
    if (this.#asked !== undefined) return;
    this.#asked = this.#context.micros();
    // Asked before anything else happened to it (a Session call, awaited from the start): the
    // call was made at that same moment.
    this.#queued ??= this.#asked;
  }

  started(at: number): void {
    this.#started = this.#context.microsAt(at);
    this.#queued ??= this.#started;
  }

  bind(handle: object): void {
    this.#queued ??= this.#context.micros();
    if (handle instanceof Future) futureController.watchAsks(handle, this);
  }

  /** What the session's policies did during the call (retries denied, circuits opened, …). */
  get events(): readonly PolicyRecord[] {
    return this.#events ?? NO_POLICY_RECORDS;
  }

  limited(from: number, to: number): void {
    const start = this.#context.microsAt(from);
    const waited = Math.max(0, this.#context.microsAt(to) - start);
    if (this.#rateWait === undefined) this.#rateWait = { total: waited, from: start };
    else {
      this.#rateWait.total += waited;
      this.#rateWait.from = start;
    }
  }

  attempt(request: PreparedRequest, role?: AttemptRole): AttemptObserver {
    // A wait holds back the next attempt of the session's own (a hedge rides on its attempt's turn).
    const wait = role === undefined ? this.#rateWait : undefined;
    const limited = wait?.from;
    if (wait !== undefined) wait.from = undefined;
    const attempt = new AttemptRecord(request, this.#context, role, limited);
    if (this.#attempts !== undefined) this.#attempts.push(attempt);
    else if (this.#firstAttempt === undefined) this.#firstAttempt = attempt;
    else this.#attempts = [this.#firstAttempt, attempt];
    return attempt;
  }

  event(event: PolicyEvent): void {
    const record = { ...event, at: this.#context.now() };
    if (this.#events === undefined) this.#events = [record];
    else this.#events.push(record);
  }

  ended(response: Response | undefined, error: unknown): void {
    if (this.#resolved !== undefined) return;
    this.#resolved = this.#context.micros();
    this.#queued ??= this.#resolved;
    if (response !== undefined) {
      this.outcome = 'ok';
      this.status = response.status;
      this.bytes = response.body === undefined ? response.content.length : 0;
    } else {
      this.outcome = outcomeOf(error);
      this.errorCode = codeOf(error);
    }
  }
}
