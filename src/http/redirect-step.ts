import { TooManyRedirectsError } from '../errors/too-many-redirects-error.ts';
import type { Config } from './config.ts';
import type { PreparedRequest } from './prepared-request.ts';
import { followRedirect, redirectLocation } from './redirect.ts';
import type { Response } from './response.ts';

/**
 * Where the final response of a hop redirects the call to: its `Location`, or `undefined` when
 * the response is the call's last (not a redirect, or redirects are off).
 *
 * @internal
 */
export function redirectTarget(config: Config, response: Response): string | undefined {
  return config.maxRedirects === 0 ? undefined : redirectLocation(response);
}

/**
 * Follows `response` to `location`: its unread body is discarded, it joins `history`, and the
 * request of the next hop is returned (see {@link followRedirect}). Following more than `max`
 * redirects fails with a {@link TooManyRedirectsError}.
 *
 * @internal
 */
export function nextHop(
  hop: PreparedRequest,
  response: Response,
  location: string,
  history: Response[],
  max: number,
): PreparedRequest {
  response.body?.resume();
  if (history.length >= max) {
    throw new TooManyRedirectsError(`More than ${max} redirects`, { request: hop });
  }
  history.push(response);
  return followRedirect(hop, response, location);
}
