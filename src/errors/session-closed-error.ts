import { RequestError } from './request-error.ts';

/** The session was closed: requests in flight end with this error and later requests are refused. */
export class SessionClosedError extends RequestError {
  override name = 'SessionClosedError';
  override readonly code = 'FANOUT_SESSION_CLOSED' as const;
}
