import { RequestError } from './request-error.ts';

/** A response body (after decompression) larger than `maxBodySize`. The socket is released. */
export class BodyTooLargeError extends RequestError {
  override name = 'BodyTooLargeError';
  override readonly code = 'FANOUT_BODY_TOO_LARGE' as const;
}
