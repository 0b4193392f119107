import { type FailedRequest, RequestError } from './request-error.ts';

/** What an {@link HTTPError} reads of its response: the status line and the request. */
export interface FailedResponse {
  /** The failing status code (4xx or 5xx). */
  readonly status: number;
  /** The reason phrase sent by the server (or the standard one for the status). */
  readonly reason: string;
  /** The request the response answers. */
  readonly request: FailedRequest;
}

/**
 * The rest of the type {@link HTTPError.response} has: `http/response.ts` merges fanout's
 * `Response` into it (a type-only module augmentation), so users read `error.response.json()`
 * while `errors/` imports nothing from `http/`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by http/response.ts (declaration merging)
export interface HTTPErrorResponse {}

/** A 4xx or 5xx response, raised by `response.raiseForStatus()`. */
export class HTTPError extends RequestError {
  override name = 'HTTPError';
  override readonly code = 'FANOUT_HTTP_STATUS' as const;
  /** The response with the failing status. */
  readonly response: HTTPErrorResponse & FailedResponse;

  constructor(response: HTTPErrorResponse & FailedResponse) {
    super(`HTTP ${response.status} ${response.reason}`, { request: response.request });
    this.response = response;
  }
}
