import { own } from '../core/validate.ts';
import type { Response } from '../http/response.ts';
import type { Future } from './future.ts';
import type { FutureNoBodyOptions, FutureRequestOptions } from './futures-session.ts';

/**
 * The HTTP verbs of everything that returns a {@link Future} per request (`FuturesSession`,
 * `FuturesScope`): each is a call of `request`, which the subclass provides.
 */
export abstract class FutureVerbs {
  /** Sends `method url` as a future. */
  abstract request(
    method: string,
    url: string | URL,
    options?: FutureRequestOptions,
  ): Future<Response>;

  /** `GET url`, as a future. */
  get(url: string | URL, options?: FutureNoBodyOptions): Future<Response> {
    return this.request('GET', url, options);
  }

  /** `HEAD url`, as a future. Redirects are not followed unless `redirect` is given. */
  head(url: string | URL, options?: FutureNoBodyOptions): Future<Response> {
    return this.request(
      'HEAD',
      url,
      own(options, 'redirect') === undefined ? { ...options, redirect: false } : options,
    );
  }

  /** `OPTIONS url`, as a future. */
  options(url: string | URL, options?: FutureRequestOptions): Future<Response> {
    return this.request('OPTIONS', url, options);
  }

  /** `POST url`, as a future. */
  post(url: string | URL, options?: FutureRequestOptions): Future<Response> {
    return this.request('POST', url, options);
  }

  /** `PUT url`, as a future. */
  put(url: string | URL, options?: FutureRequestOptions): Future<Response> {
    return this.request('PUT', url, options);
  }

  /** `PATCH url`, as a future. */
  patch(url: string | URL, options?: FutureRequestOptions): Future<Response> {
    return this.request('PATCH', url, options);
  }

  /** `DELETE url`, as a future. */
  delete(url: string | URL, options?: FutureRequestOptions): Future<Response> {
    return this.request('DELETE', url, options);
  }
}
