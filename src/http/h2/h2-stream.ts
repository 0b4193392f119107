// biome-ignore-all lint/complexity/noThisInStatic: the static listeners are shared by every node:http2 object, whose `this` is that object (no closure per request); being static members, they may read its owner's private fields.
import {
  type ClientHttp2Stream,
  constants,
  type IncomingHttpHeaders,
  type IncomingHttpStatusHeader,
} from 'node:http2';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { RequestDispatchOptions } from '../dispatch-options.ts';
import type { H2Connection } from './h2-connection.ts';
import { h2Headers } from './h2-headers.ts';
import { H2_CLIENT_LIMITS } from './h2-limits.ts';
import { headersOverflow, isHeaderListTooLarge } from './header-list-size.ts';
import { UnprocessedStream } from './unprocessed-stream.ts';

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_REFUSED_STREAM } = constants;
// Node does not enforce the header list size it advertises: the response handler does.
const MAX_HEADER_LIST_SIZE = H2_CLIENT_LIMITS.settings.maxHeaderListSize;
const NO_TRAILERS = Object.freeze({});

// The H2Stream a node:http2 stream belongs to (see H2Stream's listeners).
const OWNER = Symbol('fanout.h2Stream');
interface OwnedStream extends ClientHttp2Stream {
  [OWNER]: H2Stream;
}

/**
 * One request on an HTTP/2 session, run for an undici dispatch handler (the exchange of
 * `http/transport.ts`): it is the handler's controller — `pause`/`resume` pause the node:http2
 * stream, so its flow-control window closes and the server stops sending; `abort` resets the
 * stream with `CANCEL`, which frees its slot and leaves the session open. It waits in the origin's
 * pool until a session has room, then {@link H2Stream.start} sends it.
 *
 * @internal
 */
export class H2Stream implements Dispatcher.DispatchController {
  readonly options: RequestDispatchOptions;
  readonly #handler: Dispatcher.DispatchHandler;
  // The node:http2 stream, once started on a session.
  #stream: OwnedStream | undefined;
  #connection: H2Connection | undefined;
  #reason: Error | null = null;
  #isPaused = false;
  // True once the response headers were handed to the handler.
  #hasResponse = false;
  // True once the handler was told the outcome (end or error) or the caller aborted: later events
  // only clean up.
  #isDone = false;
  // The last error node:http2 reported on the stream, or the request body's.
  #error: Error | undefined;

  constructor(options: RequestDispatchOptions, handler: Dispatcher.DispatchHandler) {
    this.options = options;
    this.#handler = handler;
  }

  get aborted(): boolean {
    return this.#reason !== null;
  }

  get paused(): boolean {
    return this.#isPaused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  /** The session this request went on (undefined while it waits). */
  get connection(): H2Connection | undefined {
    return this.#connection;
  }

  /** The HTTP/2 stream id (undefined while it waits). */
  get streamId(): number | undefined {
    return this.#stream?.id;
  }

  abort(reason: Error): void {
    if (this.#isDone) return;
    this.#isDone = true;
    this.#reason = reason;
    // A request aborted while it waits is dropped when its turn comes (see start).
    this.#stream?.close(NGHTTP2_CANCEL);
  }

  pause(): void {
    this.#isPaused = true;
    this.#stream?.pause();
  }

  resume(): void {
    this.#isPaused = false;
    this.#stream?.resume();
  }

  /**
   * Sends the request on `connection`, which has room for it — unless it was aborted before or
   * when the handler hears it starts, or HTTP/2 cannot carry its headers (then it fails with
   * `InvalidRequestError`, unsent): the slot is not taken then.
   */
  start(connection: H2Connection): void {
    if (this.#isDone) return;
    let headers: Record<string, string>;
    try {
      headers = h2Headers(this.options.request);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    this.#handler.onRequestStart?.(this, connection);
    if (this.#isDone) return;
    const body = this.options.body;
    let stream: OwnedStream;
    try {
      stream = connection.request(headers, body === null || body === undefined) as OwnedStream;
    } catch (error) {
      // The session closed between the pool's choice and now (node:http2 throws then).
      this.fail(error as Error);
      return;
    }
    this.#connection = connection;
    this.#stream = stream;
    stream[OWNER] = this;
    stream.on('response', H2Stream.#onResponse);
    stream.on('data', H2Stream.#onData);
    stream.on('end', H2Stream.#onEnd);
    stream.on('error', H2Stream.#onError);
    stream.on('close', H2Stream.#onClose);
    if (this.#isPaused) stream.pause();
    if (body !== null && body !== undefined) this.#write(stream, body);
  }

  /** Hands the request to `dispatcher` instead (the origin's server chose HTTP/1.1). */
  redispatch(dispatcher: Dispatcher): void {
    if (!this.#isDone) dispatcher.dispatch(this.options, this.#handler);
  }

  /** Fails the request before or instead of sending it (its session could not be had). */
  fail(error: Error): void {
    if (this.#isDone) return;
    this.#isDone = true;
    this.#handler.onResponseError?.(this, error);
  }

  #write(stream: OwnedStream, body: NonNullable<Dispatcher.DispatchOptions['body']>): void {
    if (typeof body === 'string' || body instanceof Uint8Array) {
      stream.end(body);
      return;
    }
    if (body instanceof Blob) {
      body.arrayBuffer().then(
        (bytes) => stream.end(Buffer.from(bytes)),
        (error: Error) => this.#bodyFailed(error),
      );
      return;
    }
    const source =
      body instanceof Readable ? body : Readable.from(body as unknown as AsyncIterable<Uint8Array>);
    source.once('error', (error) => this.#bodyFailed(error));
    source.pipe(stream);
  }

  #bodyFailed(error: Error): void {
    this.#error = error;
    this.#stream?.close(NGHTTP2_INTERNAL_ERROR);
  }

  #response(headers: IncomingHttpHeaders & IncomingHttpStatusHeader): void {
    if (this.#isDone) return;
    if (isHeaderListTooLarge(headers, MAX_HEADER_LIST_SIZE)) {
      // Node bounds only the streams opened after the server acknowledged the limit (see
      // #closeError): this bounds the others. The reset frees the slot; the session goes on.
      this.fail(headersOverflow(`response header list over ${MAX_HEADER_LIST_SIZE} bytes`));
      this.#stream?.close(constants.NGHTTP2_ENHANCE_YOUR_CALM);
      return;
    }
    const status = headers[':status'] as number;
    // An HTTP/2 response has no pseudo-header but `:status` (RFC 9113 §8.3.2).
    delete headers[':status'];
    this.#hasResponse = true;
    this.#handler.onResponseStart?.(this, status, headers, '');
  }

  #data(chunk: Buffer): void {
    if (!this.#isDone) this.#handler.onResponseData?.(this, chunk);
  }

  #end(): void {
    // A stream cut off with its session may end without a response: its close reports that.
    if (this.#isDone || !this.#hasResponse) return;
    this.#isDone = true;
    this.#handler.onResponseEnd?.(this, NO_TRAILERS);
  }

  #closed(stream: OwnedStream): void {
    this.#connection?.streamClosed();
    if (this.#isDone) return;
    this.#isDone = true;
    this.#handler.onResponseError?.(this, this.#closeError(stream));
  }

  // Why a stream closed before its response ended: refused or above a GOAWAY's last stream id
  // (never processed: node:http2 fails those with the session's error when the GOAWAY has an error
  // code), a response head over H2_CLIENT_LIMITS (node:http2 resets the stream with
  // ENHANCE_YOUR_CALM), or the error node:http2 or the body reported, or a reset without one.
  #closeError(stream: OwnedStream): Error {
    if (
      stream.rstCode === NGHTTP2_REFUSED_STREAM ||
      this.#connection?.isBeyondGoaway(stream.id ?? 0)
    )
      return new UnprocessedStream();
    if (stream.rstCode === constants.NGHTTP2_ENHANCE_YOUR_CALM && !this.#hasResponse) {
      return headersOverflow(
        'response headers over the limits, or reset by the server (ENHANCE_YOUR_CALM)',
      );
    }
    if (this.#error !== undefined) return this.#error;
    return Object.assign(new Error(`HTTP/2 stream closed early (code ${stream.rstCode})`), {
      code: 'ERR_HTTP2_STREAM_CLOSED',
    });
  }

  // The listeners of every node:http2 stream: shared functions (`this` is the stream), so a
  // request costs no closures; each finds its request through the stream's OWNER.
  static #onResponse(this: OwnedStream, headers: IncomingHttpHeaders & IncomingHttpStatusHeader) {
    this[OWNER].#response(headers);
  }

  static #onData(this: OwnedStream, chunk: Buffer) {
    this[OWNER].#data(chunk);
  }

  static #onEnd(this: OwnedStream) {
    this[OWNER].#end();
  }

  static #onError(this: OwnedStream, error: Error) {
    this[OWNER].#error ??= error;
  }

  static #onClose(this: OwnedStream) {
    this[OWNER].#closed(this);
  }
}
