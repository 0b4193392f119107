import { FanoutError } from './fanout-error.ts';

/** A URL that is not an absolute http(s) URL, or that would escape the session `baseURL`. */
export class InvalidURLError extends FanoutError {
  override name = 'InvalidURLError';
  override readonly code = 'FANOUT_INVALID_URL' as const;
}
