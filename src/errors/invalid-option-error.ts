import { FanoutError } from './fanout-error.ts';

/** An option with a value out of range or of the wrong type, e.g. a negative timeout or `maxWorkers: 0`. */
export class InvalidOptionError extends FanoutError {
  override name = 'InvalidOptionError';
  override readonly code = 'FANOUT_INVALID_OPTION' as const;
}
