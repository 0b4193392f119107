import type { Response } from '../http/response.ts';
import { RequestError } from './request-error.ts';

/** A 4xx or 5xx response, raised by `response.raiseForStatus()`. */
export class HTTPError extends RequestError {
  override name = 'HTTPError';
  override readonly code = 'FANOUT_HTTP_STATUS' as const;
  /** The response with the failing status. */
  readonly response: Response;

  constructor(response: Response) {
    super(`HTTP ${response.status} ${response.reason}`, { request: response.request });
    this.response = response;
  }
}
