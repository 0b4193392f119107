import { FanoutError, type FanoutErrorOptions } from './fanout-error.ts';

/** The request an error is about: method and URL (credentials redacted). */
export interface ErrorRequest {
  readonly method: string;
  readonly url: string;
}

/** Options of errors tied to one request. */
export interface RequestErrorOptions extends FanoutErrorOptions {
  /** The request that failed. Its URL must already be redacted. */
  request?: ErrorRequest | undefined;
}

/**
 * Base of the errors that happen while sending a request or reading its response. The message
 * ends with the method and URL, e.g. `Request timed out (headers): GET http://api/x`.
 */
export class RequestError extends FanoutError {
  override name = 'RequestError';
  /** The method and (redacted) URL of the request, when known. */
  readonly request: ErrorRequest | undefined;

  constructor(message: string, options?: RequestErrorOptions) {
    const request = options?.request;
    super(request ? `${message}: ${request.method} ${request.url}` : message, options);
    this.request = request;
  }
}
