import { RequestError } from './request-error.ts';

/** More redirects than `redirect.max`, or a redirect loop. */
export class TooManyRedirectsError extends RequestError {
  override name = 'TooManyRedirectsError';
  override readonly code = 'FANOUT_TOO_MANY_REDIRECTS' as const;
}
