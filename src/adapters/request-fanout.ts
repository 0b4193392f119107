import type { ServerResponse } from 'node:http';
import { checkKnownOptions, own, ownOptions } from '../core/validate.ts';
import {
  type Future,
  type FutureRequestOptions,
  FuturesScope,
  type FuturesSession,
  type Page,
  type PageRendering,
  type PipeOptions,
  type RenderOptions,
  type Requester,
  type Response,
  type Trace,
  type TraceBound,
} from '../index.ts';
import { STREAM_PAGE_OPTIONS } from '../page/known-options.ts';

/** Options of {@link RequestFanout.renderPage}: those of `page.render()`. */
export type PageRenderOptions<Input> = RenderOptions<Input>;

/** Options of {@link RequestFanout.streamPage}: those of `page.render()` and of `pipe()`. */
export type StreamPageOptions<Input> = RenderOptions<Input> & PipeOptions;

/** The options argument of a page method: required when the page needs an input. */
export type PageArgs<Input, Options> = undefined extends Input
  ? [options?: Options]
  : [options: Options];

/**
 * Any page, whatever its sections' data: what {@link RequestFanout.renderPage} needs of it.
 * (`Page` is invariant in its data, so `Page<Input>` would accept only pages without sections.)
 */
export interface RenderablePage<Input> {
  /** The page's {@link Page.render}. */
  render: Page<Input>['render'];
}

/**
 * The per-incoming-request view of an app's shared {@link FuturesSession} (`req.fanout`,
 * `request.fanout`): every verb of a {@link FuturesScope}, on the app's one executor and
 * connection pool. Requests made through it join {@link RequestFanout.trace}, wherever they are
 * made from (bound to it, without AsyncLocalStorage), and are cancelled (really: their sockets
 * close) if the client disconnects before the response has finished; so is a page rendered
 * through it. Made by {@link Fanout.open}.
 *
 * @example
 * <!-- fragment: a route of an Express app using `expressFanout`; `render` is the app's own
 * import express from 'express';
 * import type { Response } from 'fanout';
 * import { expressFanout, Fanout } from 'fanout/express';
 * declare function render(user: Response, cart: Response): string;
 * const app = express().use(expressFanout(new Fanout()));
 * -->
 * ```ts
 * app.get('/', async (req, res) => {
 *   const user = req.fanout.get('/user');
 *   const cart = req.fanout.get('/cart');
 *   const body = render(await user, await cart);
 *   res.set('server-timing', req.fanout.trace?.serverTiming() ?? '').send(body);
 * });
 * ```
 */
export class RequestFanout extends FuturesScope {
  /** The trace of the incoming request; `undefined` when the app turned tracing off. */
  readonly trace: Trace | undefined;
  /** The response of the incoming request: where {@link streamPage} writes. */
  readonly #response: ServerResponse;
  /**
   * The scope's own `request`, bound to {@link trace} (no AsyncLocalStorage involved): made by
   * the first traced request, so a view that makes none allocates nothing for it.
   */
  #traced: TraceBound<Requester> | undefined = undefined;

  constructor(session: FuturesSession, trace: Trace | undefined, response: ServerResponse) {
    super(session);
    this.trace = trace;
    this.#response = response;
  }

  /** Like {@link FuturesScope.request}, and the request joins this view's trace. */
  override request(
    method: string,
    url: string | URL,
    options?: FutureRequestOptions,
  ): Future<Response> {
    const trace = this.trace;
    if (trace === undefined) return super.request(method, url, options);
    this.#traced ??= trace.bind({
      request: (m: string, u: string | URL, o?: FutureRequestOptions) => super.request(m, u, o),
    } as unknown as Requester);
    return this.#traced.request(method, url, options) as Future<Response>;
  }

  /**
   * Phase one of `page` for this request: `page.render()` on the app's shared session, recorded
   * in this request's trace, and aborted (its requests cancelled) if the client disconnects. The
   * options are those of `page.render()` and win over these defaults; a `signal` given there
   * aborts it too.
   */
  renderPage<Input>(
    page: RenderablePage<Input>,
    ...args: PageArgs<Input, PageRenderOptions<Input>>
  ): PageRendering<Input> {
    return this.#render(page, args[0] as PageRenderOptions<Input> | undefined);
  }

  /**
   * Renders `page` for this request ({@link renderPage}) and streams it as the response: the
   * status and headers once its primary sections have settled, then the HTML as it is ready,
   * with backpressure. With `trailers`, the complete `Server-Timing` follows as a trailer.
   * Resolves once the response has ended (or the client has gone).
   *
   * @example
   * <!-- fragment: a route of an Express app using `expressFanout`; `home` is a `definePage` page
   * import express from 'express';
   * import type { Page } from 'fanout';
   * import { expressFanout, Fanout } from 'fanout/express';
   * declare const home: Page<{ userId: string }>;
   * const app = express().use(expressFanout(new Fanout()));
   * -->
   * ```ts
   * app.get('/', (req) => req.fanout.streamPage(home, { input: { userId: '42' } }));
   * ```
   */
  async streamPage<Input>(
    page: RenderablePage<Input>,
    ...args: PageArgs<Input, StreamPageOptions<Input>>
  ): Promise<void> {
    const { trailers, ...render } = ownOptions((args[0] ?? {}) as StreamPageOptions<Input>);
    checkKnownOptions(render, STREAM_PAGE_OPTIONS);
    const rendering = this.#render(page, render as PageRenderOptions<Input>);
    await rendering.pipe(this.#response, trailers === undefined ? {} : { trailers });
  }

  #render<Input>(
    page: RenderablePage<Input>,
    options: PageRenderOptions<Input> | undefined,
  ): PageRendering<Input> {
    const given = own(options, 'signal');
    const signal = given === undefined ? this.signal : AbortSignal.any([this.signal, given]);
    const settings = {
      session: this.session,
      ...(this.trace !== undefined && { trace: this.trace }),
      ...options,
      signal,
    };
    // `render`'s conditional rest parameter cannot be matched for a generic `Input`.
    return (page.render as (settings: PageRenderOptions<Input>) => PageRendering<Input>)(
      settings as PageRenderOptions<Input>,
    );
  }
}
