import { FanoutError, type FanoutErrorOptions } from './fanout-error.ts';
import { defineRetries, type Retries, type RetryStop, retriesSuffix } from './retries.ts';

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
  /**
   * The attempts of the request, when it was retried (or a retry was stopped early): the message
   * ends with them and the error carries them (see {@link RequestError.attempts}).
   */
  retries?: Retries | undefined;
}

/**
 * Base of the errors that happen while sending a request or reading its response. The message
 * ends with the method and URL, e.g. `Connection failed (ECONNREFUSED): GET http://api/x`.
 *
 * No secret of the request reaches the error: it keeps a plain `{ method, url }` (never the
 * headers, so no `Authorization`, `Cookie` or `Proxy-Authorization`), and the URL — in
 * `request.url`, the message, `String(error)`, the stack — has its userinfo replaced and the
 * values of the session's `redactParams` (by default `token`, `api_key`, `password`, …) replaced
 * by `REDACTED`. The redaction runs when the error is built, never on a request that succeeds.
 *
 * The error a call ends with after retries says so: its message ends with how many attempts over
 * how long, `HTTP 503 Service Unavailable: GET http://api/x (3 attempts in 412 ms)`, and it
 * carries {@link RequestError.attempts}, {@link RequestError.duration} and
 * {@link RequestError.retriedErrors}. An error at a first attempt that was not retried has none of
 * them and its message as it always was.
 */
export class RequestError extends FanoutError {
  override name = 'RequestError';
  /** The method and redacted URL of the request, when known (a frozen plain object). */
  readonly request: ErrorRequest | undefined;
  /**
   * After retries: how many attempts went on the wire, the last included. Undefined (no own
   * property) when the request was not retried.
   */
  declare readonly attempts?: number;
  /** After retries: ms from the start of the first attempt to this failure, backoffs included. */
  declare readonly duration?: number;
  /**
   * After retries: the failure of each attempt that was retried, oldest first — the error it
   * ended with, or an `HTTPError` of a response whose status was retried. This error is the last
   * attempt's (its `cause` is that attempt's own, such as undici's socket error).
   */
  declare readonly retriedErrors?: readonly Error[];
  /**
   * Why no further attempt was made although the retry limit allowed one: `timeout.total` or
   * `deadline` (the backoff would end past it), or `policy` (a `RetryBudget` vetoed it).
   */
  declare readonly retryStoppedBy?: RetryStop;

  constructor(message: string, options?: RequestErrorOptions) {
    const given =
      options !== undefined && Object.hasOwn(options, 'request') ? options.request : undefined;
    const retries =
      options !== undefined && Object.hasOwn(options, 'retries') ? options.retries : undefined;
    const request = given === undefined ? undefined : shown(given);
    const told = request ? `${message}: ${request.method} ${request.url}` : message;
    super(retries === undefined ? told : `${told}${retriesSuffix(retries)}`, options);
    this.request = request;
    if (retries !== undefined) defineRetries(this, retries);
  }
}

function shown(request: FailedRequest): ErrorRequest {
  return Object.freeze({
    method: request.method,
    url: request.redactedURL === undefined ? request.url : request.redactedURL(),
  });
}
