import { ownValue } from '../core/validate.ts';
import type { Future } from '../futures/future.ts';
import type { FutureRequestOptions, FuturesSession } from '../futures/futures-session.ts';
import type { SectionContext } from './section.ts';

/** What {@link sectionContext} needs from the page rendering. */
export interface ContextSource<Input> {
  readonly input: Input;
  readonly session: FuturesSession;
  /** Milliseconds left of the page budget (`Infinity` without one). */
  remaining(): number;
}

/** The request's own `deadline` in ms from now, if it has one. */
function ownBudget(deadline: number | Date | undefined): number | undefined {
  if (deadline instanceof Date) return deadline.getTime() - Date.now();
  return deadline;
}

/**
 * The options with the page budget left as the request's `deadline` (the session ends the call by
 * the sooner of it and its `total` timeout, and fails one made after it passed at once), and the
 * section's signal alongside the request's own. A request's own sooner deadline is kept.
 */
function withBudget<O extends FutureRequestOptions>(
  options: O | undefined,
  remaining: number,
  signal: AbortSignal,
): O {
  const own = ownBudget(ownValue(options, 'deadline', options?.deadline));
  const left = Math.max(0, remaining);
  const deadline = own !== undefined && own < left ? own : left;
  const ownSignal = ownValue(options, 'signal', options?.signal);
  return {
    ...options,
    ...(deadline !== Number.POSITIVE_INFINITY && { deadline }),
    signal: ownSignal === undefined ? signal : AbortSignal.any([ownSignal, signal]),
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
