import { checkKnownOptions, ownOptions } from '../core/validate.ts';
import { PageDefinitionError } from '../errors/page-definition-error.ts';
import { RENDER_OPTIONS } from './known-options.ts';
import { checkPageOptions, type PageOptions } from './page-options.ts';
import {
  type PageHead,
  PageRendering,
  type PageSpec,
  pageAborted,
  type RenderOptions,
  type RenderSettings,
} from './rendering.ts';
import type { SectionDefinition } from './section.ts';
import { type CheckedSection, checkSection } from './validate-section.ts';

/**
 * A section name not used yet: a name already in `Data` is `never`, unless the page's names are
 * only known at run time (`Data` is `Record<string, unknown>`), where the check happens then.
 */
type NewName<Name extends string, Data> = string extends keyof Data
  ? Name
  : Name extends keyof Data
    ? never
    : Name;

/** A page rendered whole: its status, headers (with the complete `Server-Timing`) and HTML. */
export interface RenderedPage extends PageHead {
  /** The complete HTML document. */
  readonly body: string;
}

/**
 * A page: a layout plus named sections, each with its data and its render function. Built with
 * {@link definePage} and {@link Page.section}; each `section()` returns a new page that knows the
 * new section's data type, so later sections depending on it get that data typed.
 *
 * Rendering happens in two phases. Phase one, {@link Page.render} starts every section's data at
 * once (sections that depend on others start as soon as those have theirs). Phase two streams the
 * HTML: in order, or out of order as each section is ready.
 *
 * @typeParam Input - what each rendering gets (the incoming request's parameters, say).
 * @typeParam Data - each section's data, by name.
 * @example
 * <!-- fragment: `response` is the server's response being written
 * import type { ServerResponse } from 'node:http';
 * declare const response: ServerResponse;
 * -->
 * ```ts
 * import { definePage, FuturesSession, html } from 'fanout';
 *
 * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
 * const home = definePage<{ userId: string }>({
 *   session,
 *   head: html`<!doctype html><title>Shop</title><body>`,
 *   tail: html`</body>`,
 *   budget: 1_000,
 * })
 *   .section('user', {
 *     primary: true,
 *     data: (_, { input, json }) => json<{ name: string }>(`/users/${input.userId}`),
 *     render: (user) => html`<p>Hello ${user.name}</p>`,
 *   })
 *   .section('recs', {
 *     after: ['user'],
 *     data: ({ user }, { json }) => json<string[]>(`/recs?for=${user.name}`),
 *     render: (recs) => html`<ul>${recs.map((r) => html`<li>${r}</li>`)}</ul>`,
 *     fallback: ({ reason }) => html`<p>No recommendations (${reason})</p>`,
 *     deadline: 300,
 *   });
 *
 * const rendering = home.render({ input: { userId: '42' }, mode: 'out-of-order' });
 * await rendering.pipe(response); // status and Server-Timing first, then the HTML as it is ready
 * ```
 */
export class Page<Input = undefined, Data extends Record<string, unknown> = Record<never, never>> {
  readonly #spec: PageSpec<Input>;

  /** @internal Use {@link definePage}. */
  constructor(spec: PageSpec<Input>) {
    this.#spec = spec;
  }

  /** The page's name. */
  get name(): string {
    return this.#spec.options.name;
  }

  /** The sections' names, in page order. */
  get sectionNames(): readonly string[] {
    return this.#spec.sections.map((section) => section.name);
  }

  /**
   * A new page with one more section, after the others. Its `after` may name only sections
   * defined before it, so dependencies can never form a cycle.
   *
   * @throws {PageDefinitionError} for a bad or duplicate name, an unknown dependency, a `render`
   * that is not a function, or an option of the wrong type.
   */
  section<const Name extends string, T = undefined, const D extends keyof Data & string = never>(
    name: NewName<Name, Data>,
    definition: SectionDefinition<Input, { readonly [K in D]: Data[K] }, T, D>,
  ): Page<Input, Data & { [K in Name]: Awaited<T> }> {
    const defined = new Set(this.#spec.sections.map((section) => section.name));
    const section: CheckedSection = checkSection(name, definition, defined);
    return new Page({ options: this.#spec.options, sections: [...this.#spec.sections, section] });
  }

  /**
   * Phase one: starts every section's data now and returns the rendering, to stream (`pipe`,
   * `for await`) or read whole (`text`).
   *
   * @throws {InvalidOptionError} without a session, or with a bad `mode` or `trace`.
   */
  render(
    ...args: undefined extends Input
      ? [options?: RenderOptions<Input>]
      : [options: RenderOptions<Input>]
  ): PageRendering<Input> {
    const settings = ownOptions((args[0] ?? {}) as RenderSettings & { input?: Input });
    checkKnownOptions(settings, RENDER_OPTIONS);
    if (this.#spec.sections.length === 0) {
      throw new PageDefinitionError(`Page "${this.name}" has no sections`);
    }
    return new PageRendering(this.#spec, settings.input as Input, settings);
  }

  /**
   * Renders the whole page without streaming: the status, headers (with every section's
   * blocked time in `Server-Timing`) and the complete HTML.
   *
   * @throws {CancelledError} (rejects) when the `signal` aborts before the page is complete, or
   * is aborted already: at that moment, with the signal's reason as `cause`, its requests
   * cancelled. (A streamed rendering, by contrast, ends with its pending sections' fallbacks.)
   */
  async renderToString(
    ...args: undefined extends Input
      ? [options?: RenderOptions<Input>]
      : [options: RenderOptions<Input>]
  ): Promise<RenderedPage> {
    const options = { ...args[0], mode: 'in-order' } as RenderOptions<Input>;
    const { signal } = options;
    const rendering = this.render(...([options] as typeof args));
    const head = await rendering.head();
    if (signal?.aborted) throw pageAborted(this.name, signal.reason);
    const body = await rendering.text();
    if (signal?.aborted) throw pageAborted(this.name, signal.reason);
    return {
      ...head,
      headers: { ...head.headers, 'server-timing': rendering.serverTiming() },
      body,
    };
  }
}

/**
 * Defines a page from its layout and defaults; add sections with {@link Page.section}.
 *
 * @typeParam Input - what each rendering gets; omit it for a page that needs no input.
 * @typeParam Data - leave it out: each `section()` adds its data type. Only for a page whose
 * sections come from a list give `Record<string, unknown>`: any name, data typed `unknown`.
 * @throws {PageDefinitionError} for bad options (see {@link PageOptions}).
 */
export function definePage<
  Input = undefined,
  Data extends Record<string, unknown> = Record<never, never>,
>(options: PageOptions<Input>): Page<Input, Data> {
  return new Page<Input, Data>({ options: checkPageOptions(options), sections: [] });
}
