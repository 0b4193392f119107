import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { startTimer } from '../core/timers.ts';
import { BodyTooLargeError } from '../errors/body-too-large-error.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { ConnectionError } from '../errors/connection-error.ts';
import { isFanoutError } from '../errors/fanout-error.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { SessionClosedError } from '../errors/session-closed-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { codecsOf, decompressBody, decompressStream } from './decompress.ts';
import { dispatchOptions } from './dispatch-options.ts';
import type { WireDispatcher } from './dispatchers.ts';
import { HeaderRecord } from './headers.ts';
import { type AttemptObserver, h2SessionOf } from './observer.ts';
import type { PreparedRequest } from './prepared-request.ts';
import { isRedirect } from './redirect.ts';
import { repeatedValue } from './repeated-header-values.ts';
import { Response, type ResponseHeaders } from './response.ts';

/** How one exchange on the wire is run. */
export interface WireOptions {
  readonly dispatcher: WireDispatcher;
  /** Time to the response headers, in ms. */
  readonly headersTimeout: number | undefined;
  /** Idle time between body chunks, in ms. */
  readonly bodyTimeout: number | undefined;
  /** Connect timeout of the dispatcher, in ms, for error messages. */
  readonly connectTimeout: number | undefined;
  readonly maxBodySize: number;
  readonly decompress: boolean;
  readonly stream: boolean;
  /** Buffer redirect responses even when streaming: they will be followed (and kept in `history`). */
  readonly buffersRedirects: boolean;
  /** Whether the owning session was closed (errors then become {@link SessionClosedError}). */
  readonly isClosed: () => boolean;
}

// undici reads 0 as "no timer". Its header and body timers tick at about one second, so the
// exchange runs its own (see Exchange#arm); the session's total deadline bounds the call.
const EMPTY = Buffer.alloc(0);
const ignore = () => {};

/**
 * `body`, or a copy of it when it is a small view into a larger buffer. undici hands out views into
 * the socket's read buffer, which also holds the response head (and maybe the next response): a
 * response kept for long would keep that whole read alive, outside the V8 heap, and glibc rarely
 * gives such small blocks back. A copy of a small body comes from Node's shared buffer pool.
 */
function ownBytes(body: Buffer): Buffer {
  return body.byteLength * 2 < body.buffer.byteLength ? Buffer.from(body) : body;
}

/**
 * undici's response headers (lower-case names, a repeated field as an array of its values) as
 * fanout's record: no `Object.prototype` behind it, a repeated field joined by `, ` except
 * `set-cookie`, which is always an array.
 */
export function responseHeaders(
  parsed: Readonly<Record<string, string | string[] | undefined>>,
): ResponseHeaders {
  const headers: Record<string, string | string[]> = new HeaderRecord();
  for (const name of Object.keys(parsed)) {
    const value = parsed[name];
    if (typeof value === 'string')
      headers[name] = name === 'set-cookie' ? [value] : repeatedValue(name, value);
    else if (value !== undefined) headers[name] = name === 'set-cookie' ? value : value.join(', ');
  }
  return headers;
}

function mapError(error: Error, request: PreparedRequest, options: WireOptions): Error {
  if (options.isClosed() && (error instanceof SessionClosedError || !isFanoutError(error))) {
    // The session's own reason names no request: this one names the call's.
    const cause = error instanceof SessionClosedError ? undefined : error;
    return new SessionClosedError('The session was closed', { request, cause });
  }
  if (isFanoutError(error)) return error;
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeout('connect', options.connectTimeout, request, error);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return timeout('headers', options.headersTimeout, request, error);
    case 'UND_ERR_BODY_TIMEOUT':
      return timeout('body', options.bodyTimeout, request, error);
    case 'UND_ERR_INVALID_ARG':
    case 'UND_ERR_NOT_SUPPORTED':
      return new InvalidRequestError(`Invalid request (${error.message})`, {
        request,
        cause: error,
      });
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new ConnectionError('Response body shorter than its content-length', {
        request,
        cause: error,
      });
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return new InvalidRequestError('Request body length differs from its content-length', {
        request,
        cause: error,
      });
    default:
      return new ConnectionError(`Connection failed (${code ?? error.message})`, {
        request,
        cause: error,
      });
  }
}

function timeout(
  phase: 'connect' | 'headers' | 'body',
  ms: number | undefined,
  request: PreparedRequest,
  cause?: Error,
) {
  return new TimeoutError({ phase, timeout: ms ?? 0, request, cause });
}

/**
 * One request/response exchange on an undici dispatcher, through undici's dispatch handler
 * interface (the controller API: `onRequestStart`, `onResponseStart`, `onResponseData`,
 * `onResponseEnd`, `onResponseError`): the body is collected into one buffer (or handed out as a
 * stream), so no Node stream is created per buffered response. `promise` settles once; `cancel()`
 * settles it at once and aborts the request through its controller as soon as undici has handed
 * one out.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  /** Settles with the response, or with a fanout error. */
  readonly promise: Promise<Response>;
  readonly #request: PreparedRequest;
  readonly #options: WireOptions;
  readonly #startedAt: number;
  // Set exactly once by the Promise executor; called at most once (guarded by #settled).
  #resolve!: (response: Response) => void;
  #reject!: (error: Error) => void;
  // True once `promise` is settled; later callbacks from undici only clean up.
  #settled = false;
  // undici's controller of this request (abort, pause, resume); undefined until undici starts
  // writing it.
  #controller: Dispatcher.DispatchController | undefined;
  // A cancellation that arrived before #controller existed; applied in onRequestStart.
  #pendingAbort: Error | undefined;
  #status = 0;
  #reason = '';
  #headers: ResponseHeaders | undefined;
  // Body chunks received so far (buffered mode) and their total length.
  #chunks: Buffer[] = [];
  #size = 0;
  // The body stream handed out in stream mode; undefined in buffered mode.
  #stream: Readable | undefined;
  // True once undici delivered the whole body.
  #isComplete = false;
  // The headers timer (from the request going on the wire to the response headers) or the body
  // timer (idle time between chunks, stopped while a stream consumer applies backpressure);
  // undefined when no phase timer runs.
  #timer: NodeJS.Timeout | undefined;

  // Told about this exchange's milestones when it is traced; undefined otherwise.
  readonly #observer: AttemptObserver | undefined;

  constructor(request: PreparedRequest, options: WireOptions, observer?: AttemptObserver) {
    this.#request = request;
    this.#options = options;
    this.#observer = observer;
    this.#startedAt = performance.now();
    observer?.dispatched(this.#startedAt);
    this.promise = new Promise<Response>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    try {
      options.dispatcher.dispatch(dispatchOptions(request), this);
    } catch (error) {
      // Some dispatchers throw instead of calling onResponseError (undici's ProxyAgent, on a
      // request with a Proxy-Authorization header): the exchange fails with a typed error all the
      // same.
      this.#failWith(error as Error);
    }
  }

  /** Fails the exchange with `reason` now and releases its socket. */
  cancel(reason: Error): void {
    this.#disarm();
    if (!this.#settled) this.#fail(reason);
    else this.#stream?.destroy(reason);
    if (this.#controller) this.#controller.abort(reason);
    else this.#pendingAbort = reason;
  }

  #fail(error: Error): void {
    this.#settled = true;
    this.#observer?.ended(undefined, error, performance.now());
    this.#reject(error);
  }

  // Starts the timer of `phase`, replacing the one running.
  #arm(phase: 'headers' | 'body'): void {
    this.#disarm();
    const ms = phase === 'headers' ? this.#options.headersTimeout : this.#options.bodyTimeout;
    if (ms === undefined) return;
    this.#timer = startTimer(ms, () => this.cancel(timeout(phase, ms, this.#request)));
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #tooLarge(): void {
    this.cancel(
      new BodyTooLargeError(
        `Response body exceeds maxBodySize (${this.#options.maxBodySize} bytes)`,
        {
          request: this.#request,
        },
      ),
    );
  }

  // ---- undici's dispatch handler interface ----

  // `context` is the HTTP/2 session the request starts on (an H2Stream's), else undefined.
  onRequestStart(controller: Dispatcher.DispatchController, context?: unknown): void {
    if (this.#pendingAbort) {
      controller.abort(this.#pendingAbort);
      return;
    }
    this.#controller = controller;
    this.#observer?.sent(h2SessionOf(context));
    this.#arm('headers');
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    parsed: Record<string, string | string[] | undefined>,
    statusText?: string,
  ): void {
    if (status < 200) return;
    this.#status = status;
    this.#reason = statusText ?? '';
    this.#observer?.headers(status);
    const headers = responseHeaders(parsed);
    this.#headers = headers;
    // The content-length of a HEAD, 204 or 304 response describes a body that is not sent.
    const hasBody = this.#request.method !== 'HEAD' && status !== 204 && status !== 304;
    const length = headers['content-length'];
    if (hasBody && length !== undefined && Number(length) > this.#options.maxBodySize) {
      this.#tooLarge();
      return;
    }
    this.#arm('body');
    if (this.#options.stream && !(this.#options.buffersRedirects && isRedirect(status, headers)))
      this.#startStream(headers, controller, hasBody);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled && this.#stream === undefined) return;
    this.#size += chunk.length;
    if (this.#size > this.#options.maxBodySize) {
      this.#tooLarge();
      return;
    }
    this.#timer?.refresh();
    if (this.#stream) {
      if (this.#stream.push(chunk)) return;
      // The consumer applies backpressure: undici stops reading the socket until `read()` asks
      // for more, and no body timer runs meanwhile.
      this.#disarm();
      controller.pause();
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#disarm();
    this.#isComplete = true;
    if (this.#stream) {
      this.#stream.push(null);
      return;
    }
    if (this.#settled) return;
    const chunks = this.#chunks;
    const body =
      chunks.length === 1
        ? (chunks[0] as Buffer)
        : chunks.length === 0
          ? EMPTY
          : Buffer.concat(chunks, this.#size);
    chunks.length = 0;
    const codecs =
      this.#options.decompress && body.length > 0
        ? codecsOf(this.#header('content-encoding'))
        : undefined;
    if (codecs === undefined) {
      this.#settle(ownBytes(body));
      return;
    }
    decompressBody(body, codecs, this.#options.maxBodySize, this.#request).then(
      (decoded) => this.#settle(decoded),
      (error: Error) => this.#fail(error),
    );
  }

  // Called with no controller when the dispatch fails before undici handed one out.
  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.#failWith(error);
  }

  #failWith(error: Error): void {
    this.#disarm();
    const mapped = mapError(error, this.#request, this.#options);
    if (!this.#settled) this.#fail(mapped);
    else this.#stream?.destroy(mapped);
  }

  #header(name: string): string | undefined {
    const value = this.#headers?.[name];
    return typeof value === 'string' ? value : undefined;
  }

  #settle(body: Uint8Array | Readable): void {
    this.#settled = true;
    const endedAt = performance.now();
    const elapsed = endedAt - this.#startedAt;
    const response = new Response(
      this.#request,
      this.#status,
      this.#reason,
      this.#headers as ResponseHeaders,
      body,
      elapsed,
    );
    this.#observer?.ended(response, undefined, endedAt);
    this.#resolve(response);
  }

  #startStream(
    headers: ResponseHeaders,
    controller: Dispatcher.DispatchController,
    hasBody: boolean,
  ): void {
    const raw = new Readable({
      read: () => {
        if (this.#timer === undefined && !this.#isComplete) this.#arm('body');
        controller.resume();
      },
      destroy: (error, callback) => {
        if (!this.#isComplete)
          this.cancel(
            error ?? new CancelledError('Body stream destroyed', { request: this.#request }),
          );
        callback(error);
      },
    });
    this.#stream = raw;
    const encoding = headers['content-encoding'];
    const codecs =
      this.#options.decompress && hasBody
        ? codecsOf(typeof encoding === 'string' ? encoding : undefined)
        : undefined;
    const body = codecs
      ? decompressStream(raw, codecs, this.#options.maxBodySize, this.#request)
      : raw;
    // A body nobody reads must not crash the process when it fails (as in undici): readers still
    // get the error from iteration, their own 'error' listener or `body.errored`.
    body.on('error', ignore);
    this.#settle(body);
  }
}
