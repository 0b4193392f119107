import { ownValue } from '../core/validate.ts';
import type { Future } from '../futures/future.ts';
import type { FutureRequestOptions, FuturesSession } from '../futures/futures-session.ts';
import { callDueBy } from '../http/deadline.ts';
import type { SectionContext } from './section.ts';

/** What {@link sectionContext} needs from the page rendering. */
export interface ContextSource<Input> {
  readonly input: Input;
  readonly session: FuturesSession;
  /** Milliseconds left of the page budget (`Infinity` without one). */
  remaining(): number;
  /**
   * When the section's requests must end, as a `performance.now()` time (its deadline, or the
   * budget's end; see `SectionRun`); undefined when nothing bounds them.
   */
  readonly dueAt: number | undefined;
}

/** The options with the section's signal alongside the request's own. */
function withSignal<O extends FutureRequestOptions>(
  options: O | undefined,
  signal: AbortSignal,
): O {
  const own = ownValue(options, 'signal', options?.signal);
  return { ...options, signal: own === undefined ? signal : AbortSignal.any([own, signal]) } as O;
}

/** The context a section's `data` function gets: requests bounded by its due time and its signal. */
export function sectionContext<Input>(
  source: ContextSource<Input>,
  section: string,
  signal: AbortSignal,
): SectionContext<Input> {
  const { session, dueAt } = source;
  const send: SectionContext<Input>['request'] = (method, url, options) =>
    session.request(method, url, withSignal(options, signal));
  const sendGet: SectionContext<Input>['get'] = (url, options) =>
    session.get(url, withSignal(options, signal));
  // Each call is made with `dueAt` as its deadline (the session ends it by the sooner of that,
  // its own `deadline` option and its `total` timeout, and fails one made after it passed at
  // once). Given as the deadline the call reads while it is made, so the request enforces `dueAt`
  // itself, not `dueAt` turned into "ms from now" and back: a request stopped by it tells its
  // section (and its step) so exactly, through its `TimeoutError`'s `dueAt`.
  const request: SectionContext<Input>['request'] = (method, url, options) =>
    callDueBy(dueAt, send, method, url, options);
  const get: SectionContext<Input>['get'] = (url, options) =>
    callDueBy(dueAt, sendGet, url, options, undefined);
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
