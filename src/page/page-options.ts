import { describe, ownOptions } from '../core/validate.ts';
import { PageDefinitionError } from '../errors/page-definition-error.ts';
import { FuturesSession } from '../futures/futures-session.ts';
import { isHTML } from './html.ts';
import type { LatePolicy, Markup, SectionFailure } from './section.ts';
import { checkLate, checkMilliseconds } from './validate-section.ts';

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
  /** The session sections' requests use, unless {@link RenderOptions.session} gives one. */
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

function reject(key: string, expected: string, value: unknown): never {
  throw new PageDefinitionError(
    `Page: expected \`${key}\` to be ${expected}, got ${describe(value)}`,
  );
}

function checkLayout(key: string, value: unknown): void {
  if (typeof value !== 'string' && typeof value !== 'function' && !isHTML(value)) {
    reject(key, 'markup or a function returning markup', value);
  }
}

function checkFunction(key: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') reject(key, 'a function', value);
}

/** Checks a stream mode (of the page or a rendering). */
export function checkMode(value: unknown, fallback: StreamMode): StreamMode {
  if (value === undefined) return fallback;
  if (value === 'in-order' || value === 'out-of-order') return value;
  return reject('mode', "'in-order' or 'out-of-order'", value);
}

/**
 * Checks the options of {@link definePage}.
 *
 * @throws {PageDefinitionError} for a missing `head`, a bad mode, budget, deadline or policy, or
 * a hook that is not a function.
 */
export function checkPageOptions<Input>(given: PageOptions<Input>): CheckedPageOptions<Input> {
  if (typeof given !== 'object' || given === null) reject('options', 'an object', given);
  const options = ownOptions(given);
  const name = options.name ?? 'page';
  if (typeof name !== 'string' || name === '') reject('name', 'a non-empty string', name);
  checkLayout('head', options.head);
  if (options.tail !== undefined) checkLayout('tail', options.tail);
  if (options.session !== undefined && !(options.session instanceof FuturesSession)) {
    reject('session', 'a FuturesSession', options.session);
  }
  checkFunction('fallback', options.fallback);
  checkFunction('primaryStatus', options.primaryStatus);
  checkFunction('errorPage', options.errorPage);
  return {
    name,
    head: options.head,
    tail: options.tail ?? '',
    session: options.session,
    mode: checkMode(options.mode, 'in-order'),
    budget: checkMilliseconds('Page', 'budget', options.budget),
    deadline: checkMilliseconds('Page', 'deadline', options.deadline),
    late: checkLate('Page', options.late) ?? 'cancel',
    fallback: options.fallback,
    primaryStatus: options.primaryStatus ?? defaultPrimaryStatus,
    errorPage: options.errorPage,
  };
}
