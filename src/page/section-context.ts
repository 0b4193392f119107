import type { Future } from '../futures/future.ts';
import type { FutureRequestOptions, FuturesSession } from '../futures/futures-session.ts';
import type { TimeoutOptions } from '../http/options.ts';
import type { SectionContext } from './section.ts';

/** What {@link sectionContext} needs from the page rendering. */
export interface ContextSource<Input> {
  readonly input: Input;
  readonly session: FuturesSession;
  /** Milliseconds left of the page budget (`Infinity` without one). */
  remaining(): number;
}

/**
 * The request's own timeout with its `total` bounded by the budget left (at least 1 ms: the
 * session refuses 0). Without a budget the request's timeout is left as it is.
 */
function boundedTimeout(
  timeout: number | TimeoutOptions | undefined,
  remaining: number,
): number | TimeoutOptions | undefined {
  if (remaining === Number.POSITIVE_INFINITY) return timeout;
  const left = Math.max(1, Math.floor(remaining));
  if (timeout === undefined) return left;
  if (typeof timeout === 'number') return Math.min(timeout, left);
  const total = timeout.total;
  return { ...timeout, total: typeof total === 'number' ? Math.min(total, left) : left };
}

function withBudget<O extends FutureRequestOptions>(
  options: O | undefined,
  remaining: number,
  signal: AbortSignal,
): O {
  const timeout = boundedTimeout(options?.timeout, remaining);
  const own = options?.signal;
  return {
    ...options,
    ...(timeout !== undefined && { timeout }),
    signal: own === undefined ? signal : AbortSignal.any([own, signal]),
  } as O;
}

/** The context a section's `data` function gets: requests bounded by the budget and its signal. */
export function sectionContext<Input>(
  source: ContextSource<Input>,
  section: string,
  signal: AbortSignal,
): SectionContext<Input> {
  const { session } = source;
  const request: SectionContext<Input>['request'] = (method, url, options) =>
    session.request(method, url, withBudget(options, source.remaining(), signal));
  const get: SectionContext<Input>['get'] = (url, options) =>
    session.get(url, withBudget(options, source.remaining(), signal));
  return {
    input: source.input,
    section,
    session,
    signal,
    remaining: () => source.remaining(),
    request,
    get,
    json: <T>(url: string | URL, options?: Parameters<typeof get>[1]): Future<T> =>
      get(url, options).map((response) => response.raiseForStatus().json<T>()),
  };
}
