import { FanoutError, type FanoutErrorOptions } from './fanout-error.ts';

/** The request an error is about: its method and its URL, redacted. */
export interface ErrorRequest {
  /** The request method, such as `GET`. */
  readonly method: string;
  /** The request URL, redacted. */
  readonly url: string;
}

/**
 * A request as an error is told about it: a `PreparedRequest`, or a method and URL. The request
 * redacts itself, so `errors/` depends on nothing: the error asks {@link FailedRequest.redactedURL}
 * once, when it is built.
 */
export interface FailedRequest extends ErrorRequest {
  /**
   * The URL as it may be shown: userinfo and the values of the session's `redactParams`
   * replaced (a `PreparedRequest` does this). A request without it is shown with `url` as given.
   */
  redactedURL?(): string;
}

/** Options of errors tied to one request. */
export interface RequestErrorOptions extends FanoutErrorOptions {
  /** The request that failed. The error keeps its method and its URL, redacted. */
  request?: FailedRequest | undefined;
}

/**
 * Base of the errors that happen while sending a request or reading its response. The message
 * ends with the method and URL, e.g. `Request timed out (headers): GET http://api/x`.
 *
 * No secret of the request reaches the error: it keeps a plain `{ method, url }` (never the
 * headers, so no `Authorization`, `Cookie` or `Proxy-Authorization`), and the URL — in
 * `request.url`, the message, `String(error)`, the stack — has its userinfo replaced and the
 * values of the session's `redactParams` (by default `token`, `api_key`, `password`, …) replaced
 * by `REDACTED`. The redaction runs when the error is built, never on a request that succeeds.
 */
export class RequestError extends FanoutError {
  override name = 'RequestError';
  /** The method and redacted URL of the request, when known (a frozen plain object). */
  readonly request: ErrorRequest | undefined;

  constructor(message: string, options?: RequestErrorOptions) {
    const given =
      options !== undefined && Object.hasOwn(options, 'request') ? options.request : undefined;
    const request = given === undefined ? undefined : shown(given);
    super(request ? `${message}: ${request.method} ${request.url}` : message, options);
    this.request = request;
  }
}

function shown(request: FailedRequest): ErrorRequest {
  return Object.freeze({
    method: request.method,
    url: request.redactedURL === undefined ? request.url : request.redactedURL(),
  });
}
