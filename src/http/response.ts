import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { type InspectOptionsStylized, inspect } from 'node:util';
import type { Inspect } from '../core/inspect.ts';
import { HTTPError } from '../errors/http-error.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { ResponseParseError } from '../errors/response-parse-error.ts';
import type { Retries } from '../errors/retries.ts';
import { HeaderRecord } from './headers.ts';
import { inspectResponse } from './inspect-response.ts';
import type { PreparedRequest } from './prepared-request.ts';

declare module '../errors/http-error.ts' {
  // An HTTPError's response is a fanout Response (the one JSDoc of the type is in errors/).
  interface HTTPErrorResponse extends Response {}
}

/** Response header values by lower-case name; `set-cookie` is always an array. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

const NOT_PARSED = Symbol('not parsed');
// The history of every response that followed no redirect: one shared, frozen empty list.
const NO_HISTORY: readonly Response[] = Object.freeze([]);

function charsetOf(contentType: string | undefined): string {
  const match =
    contentType === undefined ? null : /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType);
  return match?.[1]?.toLowerCase() ?? 'utf-8';
}

function decode(bytes: Uint8Array, charset: string): string {
  if (charset === 'utf-8' || charset === 'utf8')
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

/**
 * An HTTP response. Buffered by default: `content`, `text` and `json()` read the body that was
 * already received in full. With `stream: true` the body is `body`, a Node stream, instead.
 */
export class Response {
  /** The status code, e.g. `200`. */
  readonly status: number;
  /** The reason phrase sent by the server (or the standard one for the status). */
  readonly reason: string;
  /** Header values by lower-case name. */
  readonly headers: ResponseHeaders;
  /** The request as it was sent (secrets redacted when printed). */
  readonly request: PreparedRequest;
  /** Milliseconds from this request's start to the end of its body (to the headers when streaming). */
  readonly elapsed: number;
  /** The body stream, only for `stream: true`. */
  readonly body: Readable | undefined;
  /**
   * The redirect responses that led here, oldest first (each one buffered). Set by the session;
   * treat it as read-only.
   */
  history: readonly Response[] = NO_HISTORY;
  /**
   * The attempts that led to this response when its request was retried (or a retry was stopped
   * early, see {@link Retries.stoppedBy}): how many, over how long, and the failure of each one
   * retried. `raiseForStatus()` tells them in its `HTTPError`. Undefined for a response to the
   * first attempt. Set by the session; treat it as read-only.
   */
  retries: Retries | undefined = undefined;
  // The raw body bytes; undefined exactly when the response is streamed.
  readonly #content: Uint8Array | undefined;
  // The decoded text, computed on first use.
  #text: string | undefined;
  // The parsed JSON value, computed on first use of json().
  #json: unknown = NOT_PARSED;

  constructor(
    request: PreparedRequest,
    status: number,
    reason: string,
    headers: ResponseHeaders,
    content: Uint8Array | Readable,
    elapsed: number,
  ) {
    this.request = request;
    this.status = status;
    // The standard phrase as the one shared string (undici parses a fresh one per response).
    const standard = STATUS_CODES[status];
    this.reason = reason === '' || reason === standard ? (standard ?? '') : reason;
    this.headers = headers;
    this.elapsed = elapsed;
    if (content instanceof Uint8Array) {
      this.#content = content;
      this.body = undefined;
    } else {
      this.#content = undefined;
      this.body = content;
    }
  }

  /** `Response 200 OK GET http://… { type, bytes, elapsed }`, the URL redacted as in errors. */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn: Inspect): string {
    return inspectResponse(this, this.#content, depth, options, inspectFn);
  }

  /** The final URL (after redirects). */
  get url(): string {
    return this.request.url;
  }

  /** Whether the status is 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The body bytes (decompressed). */
  get content(): Uint8Array {
    if (this.#content === undefined) {
      throw new InvalidRequestError('The body was requested as a stream; read `response.body`', {
        request: this.request,
      });
    }
    return this.#content;
  }

  /** The body decoded by the `content-type` charset (UTF-8 when absent or unknown). */
  get text(): string {
    if (this.#text === undefined) {
      const content = this.content;
      const type = this.headers['content-type'];
      this.#text =
        content.length === 0
          ? ''
          : decode(content, charsetOf(typeof type === 'string' ? type : undefined));
    }
    return this.#text;
  }

  /**
   * The body parsed as JSON, once (later calls return the same value).
   * @throws {ResponseParseError} with a short snippet of the body when it is not JSON.
   */
  json<T = unknown>(): T {
    if (this.#json === NOT_PARSED) {
      const text = this.text;
      try {
        this.#json = JSON.parse(text);
      } catch (error) {
        const snippet = text.length > 60 ? `${text.slice(0, 60)}…` : text;
        throw new ResponseParseError(
          `Invalid JSON body (${(error as Error).message}) starting ${JSON.stringify(snippet)}`,
          { cause: error, request: this.request },
        );
      }
    }
    return this.#json as T;
  }

  /**
   * Returns the response when its status is below 400.
   * @throws {HTTPError} for 4xx and 5xx statuses; after retries its message ends with them
   *   (`… (3 attempts in 412 ms)`) and it carries {@link Response.retries}' fields.
   */
  raiseForStatus(): this {
    if (this.status >= 400) throw new HTTPError(this);
    return this;
  }

  /**
   * A copy of this buffered response that shares nothing with it but its frozen `retries`: its
   * own headers, body bytes, request and history (each redirect response cloned too), so a change
   * made to one never reaches the other. Decoded text and parsed JSON are not copied: the clone
   * decodes its body on first use. Coalesced calls (`coalesce`) give each caller a clone of the
   * response they shared.
   * @throws {InvalidRequestError} for a streamed response (`stream: true`): its body can be read
   *   once only.
   */
  clone(): Response {
    if (this.#content === undefined) {
      throw new InvalidRequestError('A streamed response cannot be cloned; its body is read once', {
        request: this.request,
      });
    }
    const clone = new Response(
      this.request.copy(),
      this.status,
      this.reason,
      copyHeaders(this.headers),
      Buffer.from(this.#content),
      this.elapsed,
    );
    if (this.history.length > 0) clone.history = this.history.map((hop) => hop.clone());
    clone.retries = this.retries;
    return clone;
  }
}

function copyHeaders(headers: ResponseHeaders): ResponseHeaders {
  const copy: Record<string, string | string[] | undefined> = new HeaderRecord();
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    copy[name] = Array.isArray(value) ? [...value] : value;
  }
  return copy;
}
