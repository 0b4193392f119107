import { RequestError } from './request-error.ts';

/** The connection failed: refused, reset (also in the middle of a body), or a body shorter than its `content-length`. */
export class ConnectionError extends RequestError {
  override name = 'ConnectionError';
  override readonly code = 'FANOUT_CONNECTION' as const;
}
