import { RequestError } from './request-error.ts';

/** A request that cannot be sent as given: bad method, header, body or a conflicting option. */
export class InvalidRequestError extends RequestError {
  override name = 'InvalidRequestError';
  override readonly code = 'FANOUT_INVALID_REQUEST' as const;
}
