import type { Future } from '../futures/future.ts';
import type {
  FutureNoBodyOptions,
  FutureRequestOptions,
  FuturesSession,
} from '../futures/futures-session.ts';
import type { Response } from '../http/response.ts';
import type { HTML } from './html.ts';

/** What a section or layout renders: trusted markup, from {@link html} or any template engine. */
export type Markup = string | HTML;

/** What a section does with a request still running when its deadline passes. */
export type LatePolicy = 'cancel' | 'finish';

/**
 * What a section's `data` function gets besides its dependencies: the request's input, the
 * session, and request helpers that apply the section's due time (its deadline with `late:
 * 'cancel'`, the end of the budget with `late: 'finish'`: each request ends by the sooner of that,
 * its own `deadline` and its `timeout.total`) and the section's signal.
 */
export interface SectionContext<Input> {
  /** The input given to {@link Page.render} (the incoming request's parameters, say). */
  readonly input: Input;
  /** The section's name. */
  readonly section: string;
  /**
   * The session the page renders with, as it is (no due time of the section's applied; a request
   * made on it while `data` is being called still takes its flow step's deadline).
   */
  readonly session: FuturesSession;
  /**
   * Aborted when the section's data is no longer wanted: its deadline passed (with `late:
   * 'cancel'`; the reason is its flow step's `DeadlineError`), the page was aborted, or its
   * consumer went away.
   */
  readonly signal: AbortSignal;
  /** Milliseconds left of the page budget (`Infinity` without one). */
  remaining(): number;
  /** `session.request` ending by the section's due time, with the section's signal. */
  request(method: string, url: string | URL, options?: FutureRequestOptions): Future<Response>;
  /** `GET url`, with the section's due time and signal. */
  get(url: string | URL, options?: FutureNoBodyOptions): Future<Response>;
  /** `GET url` → `raiseForStatus()` → `json<T>()`, with the section's due time and signal. */
  json<T>(url: string | URL, options?: FutureNoBodyOptions): Future<T>;
}

/** Why a section renders its fallback: its data (or a dependency's) was late, or failed. */
export type FailureReason = 'timeout' | 'error';

/** What a fallback is told (as Marko's `@catch`): which section, why, and the error. */
export interface SectionFailure {
  /** The section that fell back. */
  readonly section: string;
  /** `timeout` when its data or a dependency's was late, `error` when it failed or render threw. */
  readonly reason: FailureReason;
  /**
   * The error: a `TimeoutError` (the section's deadline), a `DependencyError` (a section it
   * depends on failed; `chain` names them), or what the data, a request or `render` threw.
   */
  readonly error: unknown;
}

/**
 * One section of a page: where its data comes from and how it renders.
 *
 * @typeParam Input - the page's input type.
 * @typeParam Deps - the data of the sections named in `after`, by name.
 * @typeParam T - the section's data.
 */
export interface SectionDefinition<Input, Deps, T, D extends string = never> {
  /**
   * Sections whose data this section's `data` needs; they must be defined before it. Its `data`
   * runs as soon as theirs is ready (while everything else is in flight).
   * @default []
   */
  after?: readonly D[];
  /**
   * Starts the section's requests (phase one: called for every section before anything renders,
   * or as soon as the sections in `after` have their data). Returns the data or a future/promise
   * of it. Without it the section's data is `undefined`.
   */
  data?: (deps: Deps, context: SectionContext<Input>) => T | PromiseLike<T>;
  /** The section's HTML from its data (phase two). Plain strings are taken as trusted markup. */
  render: (data: T, input: Input) => Markup;
  /**
   * Rendered instead when the data is late or failed, or `render` threw.
   * @default the page's `fallback`, else nothing
   */
  fallback?: (failure: SectionFailure) => Markup;
  /**
   * Shown in the section's place until it streams in (out-of-order mode only).
   * @default nothing
   */
  placeholder?: Markup;
  /**
   * Milliseconds after the page starts by which the data must be ready; later, the fallback
   * renders. Bounded by the page budget.
   * @default the page's `deadline`
   */
  deadline?: number;
  /**
   * A primary section settles the page's status before the first byte goes out: the page waits
   * for its data, and if it fails the page's status is an error (see `primaryStatus`).
   * @default false
   */
  primary?: boolean;
  /**
   * When the deadline passes: `cancel` aborts the section's requests (through its signal),
   * `finish` lets them complete (e.g. to fill a cache) while the fallback renders.
   * @default the page's `late`
   */
  late?: LatePolicy;
}
