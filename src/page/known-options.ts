/**
 * The option names of the page layer's entry points, each held by the compiler to its options
 * type (`satisfies Exhaustive<…>`), for their unknown-option checks.
 *
 * @internal
 */
import type { Exhaustive } from '../core/exhaustive.ts';
import { type KnownOptions, knownOptions } from '../core/validate.ts';
import type { PageOptions } from './page-options.ts';
import type { PipeOptions, RenderSettings } from './rendering.ts';
import type { SectionDefinition } from './section.ts';

/** `definePage(options)`. @internal */
export const PAGE_OPTIONS: KnownOptions = knownOptions('page options', {
  name: true,
  head: true,
  tail: true,
  session: true,
  mode: true,
  budget: true,
  deadline: true,
  late: true,
  fallback: true,
  primaryStatus: true,
  errorPage: true,
} satisfies Exhaustive<PageOptions<unknown>, true>);

const RENDER_NAMES = {
  input: true,
  session: true,
  mode: true,
  signal: true,
  trace: true,
  nonce: true,
} as const satisfies Exhaustive<RenderSettings & { input: unknown }, true>;

/** `page.render(options)` and `renderToString`. @internal */
export const RENDER_OPTIONS: KnownOptions = knownOptions('render options', RENDER_NAMES);

/** `rendering.pipe(destination, options)`. @internal */
export const PIPE_OPTIONS: KnownOptions = knownOptions('pipe options', {
  trailers: true,
} satisfies Exhaustive<PipeOptions, true>);

/** `streamPage(page, options)` of the adapters: render options and pipe options. @internal */
export const STREAM_PAGE_OPTIONS: KnownOptions = knownOptions('streamPage options', {
  ...RENDER_NAMES,
  trailers: true,
} satisfies Exhaustive<RenderSettings & { input: unknown } & PipeOptions, true>);

/** A section's definition; its messages name the section. @internal */
export const SECTION_OPTIONS: KnownOptions = knownOptions('section options', {
  after: true,
  data: true,
  render: true,
  fallback: true,
  placeholder: true,
  deadline: true,
  primary: true,
  late: true,
} satisfies Exhaustive<SectionDefinition<unknown, unknown, unknown, string>, true>);
