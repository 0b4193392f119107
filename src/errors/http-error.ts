import { type FailedRequest, RequestError } from './request-error.ts';
import type { Retries } from './retries.ts';

/**
 * What an {@link HTTPError} reads of its response: the status line, the request, and the
 * attempts that led to it when it came after retries.
 */
export interface FailedResponse {
  /** The failing status code (4xx or 5xx). */
  readonly status: number;
  /** The reason phrase sent by the server (or the standard one for the status). */
  readonly reason: string;
  /** The request the response answers. */
  readonly request: FailedRequest;
  /** The attempts before this response, when it came after retries; absent after one attempt. */
  readonly retries?: Retries | undefined;
}

/**
 * The rest of the type {@link HTTPError.response} has: `http/response.ts` merges fanout's
 * `Response` into it (a type-only module augmentation), so users read `error.response.json()`
 * while `errors/` imports nothing from `http/`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by http/response.ts (declaration merging)
export interface HTTPErrorResponse {}

/**
 * A 4xx or 5xx response, raised by `response.raiseForStatus()` (and by a flow step with
 * `raiseForStatus`). A response that came after retries says so: `HTTP 503 Service Unavailable:
 * GET http://api/x (3 attempts in 412 ms)`, with `attempts`, `duration` and `retriedErrors`.
 */
export class HTTPError extends RequestError {
  override name = 'HTTPError';
  override readonly code = 'FANOUT_HTTP_STATUS' as const;
  /** The response with the failing status. */
  readonly response: HTTPErrorResponse & FailedResponse;

  constructor(response: HTTPErrorResponse & FailedResponse) {
    super(`HTTP ${response.status} ${response.reason}`, {
      request: response.request,
      retries: response.retries,
    });
    this.response = response;
  }
}
