import { RequestError } from './request-error.ts';

/** A response body that is not what it claims to be, such as invalid JSON for `response.json()`. */
export class ResponseParseError extends RequestError {
  override name = 'ResponseParseError';
  override readonly code = 'FANOUT_RESPONSE_PARSE' as const;
}
