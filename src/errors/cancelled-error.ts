import { RequestError } from './request-error.ts';

/** The work was cancelled (by `future.cancel()`, an `AbortSignal`, or shutdown) before it finished. */
export class CancelledError extends RequestError {
  override name = 'CancelledError';
  override readonly code = 'FANOUT_CANCELLED' as const;
}
