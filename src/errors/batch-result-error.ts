import { FanoutError } from './fanout-error.ts';

/**
 * A loader's batch function broke its contract: it returned neither an array nor a Map, an array
 * of the wrong length, a Map without some of the keys, or failed with a value that is not an
 * `Error`. Every caller of that batch gets this error; the message restates the contract.
 */
export class BatchResultError extends FanoutError {
  override name = 'BatchResultError';
  override readonly code = 'FANOUT_BATCH_RESULT' as const;
}
