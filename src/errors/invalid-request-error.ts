import { FanoutError } from './fanout-error.ts';

/** A request that cannot be sent as given: bad method, header, body or a conflicting option. */
export class InvalidRequestError extends FanoutError {
  override name = 'InvalidRequestError';
  override readonly code: string = 'FANOUT_INVALID_REQUEST';
}
