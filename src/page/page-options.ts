import { checkFunction, checkOneOf } from '../core/checks.ts';
import { checkKnownOptions, fail, ownOptions, unknownOptionMessage } from '../core/validate.ts';
import { PageDefinitionError } from '../errors/page-definition-error.ts';
import { FuturesSession } from '../futures/futures-session.ts';
import { isHTML } from './html.ts';
import { PAGE_OPTIONS } from './known-options.ts';
import type { LatePolicy, Markup, SectionFailure } from './section.ts';
import { checkDefinition, checkMilliseconds, LATE_POLICIES } from './validate-section.ts';

/**
 * How sections stream: `in-order` (each as soon as it and every section before it are ready) or
 * `out-of-order` (placeholders in the shell, each section the moment it is ready, moved into
 * place by a tiny inline script).
 */
export type StreamMode = 'in-order' | 'out-of-order';

/** A piece of the layout: fixed markup, or markup from the rendering's input. */
export type LayoutPart<Input> = Markup | ((input: Input) => Markup);

/** Options of {@link definePage}: the layout and the defaults of every section. */
export interface PageOptions<Input> {
  /** The page's name, in the trace and the `Server-Timing` value. @default 'page' */
  name?: string;
  /** The shell: everything before the first section (doctype, `<head>`, opening `<body>`…). */
  head: LayoutPart<Input>;
  /** Everything after the last section. @default '' */
  tail?: LayoutPart<Input>;
  /** The session sections' requests use, unless {@link RenderSettings.session} gives one. */
  session?: FuturesSession;
  /** How sections stream (see {@link StreamMode}). @default 'in-order' */
  mode?: StreamMode;
  /**
   * Milliseconds from the page's start that bound every section's data: no section's deadline, and
   * so no request made through its context, is later, and a section not ready by then renders its
   * fallback.
   * @default undefined (no budget)
   */
  budget?: number;
  /** The deadline of sections that set none, in ms from the page's start. @default undefined */
  deadline?: number;
  /** What late sections do with their running requests (see {@link LatePolicy}). @default 'cancel' */
  late?: LatePolicy;
  /** The fallback of sections that set none. @default renders nothing */
  fallback?: (failure: SectionFailure) => Markup;
  /**
   * The status of the page when a primary section fails, decided before the first byte.
   * @default 504 when it timed out, 502 when it failed
   */
  primaryStatus?: (failure: SectionFailure) => number;
  /**
   * A whole error document sent instead of the page when a primary section fails (the other
   * sections' requests are cancelled). Without it the page renders with that section's fallback
   * (and the `primaryStatus`).
   * @default undefined
   */
  errorPage?: (failure: SectionFailure) => Markup;
}

/** Page options once checked. @internal */
export interface CheckedPageOptions<Input> {
  readonly name: string;
  readonly head: LayoutPart<Input>;
  readonly tail: LayoutPart<Input>;
  readonly session: FuturesSession | undefined;
  readonly mode: StreamMode;
  readonly budget: number | undefined;
  readonly deadline: number | undefined;
  readonly late: LatePolicy;
  readonly fallback: ((failure: SectionFailure) => Markup) | undefined;
  readonly primaryStatus: (failure: SectionFailure) => number;
  readonly errorPage: ((failure: SectionFailure) => Markup) | undefined;
}

const defaultPrimaryStatus = (failure: SectionFailure) =>
  failure.reason === 'timeout' ? 504 : 502;

const STREAM_MODES: readonly StreamMode[] = ['in-order', 'out-of-order'];

function checkLayout(key: string, value: unknown): void {
  if (typeof value !== 'string' && typeof value !== 'function' && !isHTML(value)) {
    fail(key, 'markup or a function returning markup', value);
  }
}

/** Checks a stream mode (of the page or a rendering). */
export function checkMode(value: unknown, fallback: StreamMode): StreamMode {
  if (value === undefined) return fallback;
  return checkDefinition('Page', () => checkOneOf('mode', value, STREAM_MODES));
}

/**
 * Checks the options of {@link definePage}.
 *
 * @throws {PageDefinitionError} for a missing `head`, a bad mode, budget, deadline or policy, or
 * a hook that is not a function.
 */
export function checkPageOptions<Input>(given: PageOptions<Input>): CheckedPageOptions<Input> {
  const options = ownOptions(given);
  checkKnownOptions(options, PAGE_OPTIONS, (key) => {
    throw new PageDefinitionError(unknownOptionMessage(key, PAGE_OPTIONS));
  });
  return checkDefinition('Page', () => checkOptions(options));
}

function checkOptions<Input>(options: PageOptions<Input>): CheckedPageOptions<Input> {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  const name = options.name ?? 'page';
  if (typeof name !== 'string' || name === '') fail('name', 'a non-empty string', name);
  checkLayout('head', options.head);
  if (options.tail !== undefined) checkLayout('tail', options.tail);
  if (options.session !== undefined && !(options.session instanceof FuturesSession)) {
    fail('session', 'a FuturesSession', options.session);
  }
  if (options.fallback !== undefined) checkFunction('fallback', options.fallback);
  if (options.primaryStatus !== undefined) checkFunction('primaryStatus', options.primaryStatus);
  if (options.errorPage !== undefined) checkFunction('errorPage', options.errorPage);
  return {
    name,
    head: options.head,
    tail: options.tail ?? '',
    session: options.session,
    mode: checkOneOf('mode', options.mode, STREAM_MODES, 'in-order'),
    budget: checkMilliseconds('budget', options.budget),
    deadline: checkMilliseconds('deadline', options.deadline),
    late: checkOneOf('late', options.late, LATE_POLICIES, 'cancel'),
    fallback: options.fallback,
    primaryStatus: options.primaryStatus ?? defaultPrimaryStatus,
    errorPage: options.errorPage,
  };
}
