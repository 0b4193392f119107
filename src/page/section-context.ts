import { ownValue } from '../core/validate.ts';
import type { Future } from '../futures/future.ts';
import type { FutureRequestOptions, FuturesSession } from '../futures/futures-session.ts';
import { sooner, stepDeadline } from '../http/deadline.ts';
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

/**
 * Makes the call with `dueAt` as its deadline (the session ends it by the sooner of that, its own
 * `deadline` option and its `total` timeout, and fails one made after it passed at once). Given
 * as the step deadline the call reads while it is made, so the request enforces `dueAt` itself,
 * not `dueAt` turned into "ms from now" and back: a request stopped by it tells its section (and
 * its step) so exactly, through its `TimeoutError`'s `dueAt`.
 */
function dueBy<T>(dueAt: number | undefined, call: () => T): T {
  if (dueAt === undefined) return call();
  const previous = stepDeadline.current;
  stepDeadline.current = sooner(previous, dueAt);
  try {
    return call();
  } finally {
    stepDeadline.current = previous;
  }
}

/** The context a section's `data` function gets: requests bounded by its due time and its signal. */
export function sectionContext<Input>(
  source: ContextSource<Input>,
  section: string,
  signal: AbortSignal,
): SectionContext<Input> {
  const { session, dueAt } = source;
  const request: SectionContext<Input>['request'] = (method, url, options) =>
    dueBy(dueAt, () => session.request(method, url, withSignal(options, signal)));
  const get: SectionContext<Input>['get'] = (url, options) =>
    dueBy(dueAt, () => session.get(url, withSignal(options, signal)));
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
