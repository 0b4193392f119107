/**
 * `fanout/fastify`: a Fastify 5 plugin that installs the request's {@link RequestFanout} as
 * `request.fanout`. Fastify is only referenced by types: importing this module does not load it.
 *
 * @module fanout/fastify
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import { checkKnownOptions, ownOptions } from '../core/validate.ts';
import { STREAM_PAGE_OPTIONS } from '../page/known-options.ts';
import { Fanout, type FanoutOptions } from './fanout.ts';
import type {
  PageArgs,
  PageRenderOptions,
  RenderablePage,
  RequestFanout,
  StreamPageOptions,
} from './request-fanout.ts';

// The node:http adapter's API, so one import serves an app.
export * from './node.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The incoming request's view of the app's shared session (installed by {@link fastifyFanout}). */
    fanout: RequestFanout;
  }
  interface FastifyReply {
    /**
     * Renders `page` for this request (`request.fanout.renderPage`) and sends it, streamed: the
     * status and headers once its primary sections have settled, then the HTML as it is ready.
     * With `trailers`, the complete `Server-Timing` follows as a trailer. A client gone by the
     * time the head is decided gets no reply: the page is aborted and the reply hijacked.
     * Installed by {@link fastifyFanout}.
     */
    streamPage<Input>(
      page: RenderablePage<Input>,
      ...args: PageArgs<Input, StreamPageOptions<Input>>
    ): Promise<FastifyReply>;
  }
  interface FastifyInstance {
    /** The app's shared session and its per-request views (installed by {@link fastifyFanout}). */
    fanout: Fanout;
  }
}

function fanoutPlugin(
  app: Parameters<FastifyPluginCallback<FanoutOptions>>[0],
  options: FanoutOptions,
  done: (error?: Error) => void,
): void {
  let fanout: Fanout;
  try {
    fanout = new Fanout(options);
  } catch (error) {
    done(error as Error); // a callback plugin's throw would escape Fastify's boot as uncaught
    return;
  }
  app.decorate('fanout', fanout);
  app.decorateRequest('fanout', null as unknown as RequestFanout);
  app.addHook('onRequest', (request, reply, next) => {
    const view = fanout.open(request.raw as IncomingMessage, reply.raw as ServerResponse);
    request.fanout = view;
    fanout.within(view, next);
  });
  app.decorateReply('streamPage', streamPage);
  app.addHook('onClose', () => fanout.close());
  done();
}

async function streamPage<Input>(
  this: FastifyReply,
  page: RenderablePage<Input>,
  ...args: PageArgs<Input, StreamPageOptions<Input>>
): Promise<FastifyReply> {
  const { trailers, ...render } = ownOptions((args[0] ?? {}) as StreamPageOptions<Input>);
  checkKnownOptions(render, STREAM_PAGE_OPTIONS);
  const rendering = this.request.fanout.renderPage(
    page,
    ...([render] as PageArgs<Input, PageRenderOptions<Input>>),
  );
  const head = await rendering.head();
  if (this.raw.destroyed || this.raw.writableEnded) {
    // The client has gone (the page is aborted already, or is now): no reply is started, and
    // Fastify is told not to send one, as it does itself for a request aborted mid-handler.
    rendering.abort();
    return this.hijack();
  }
  this.code(head.status).headers(head.headers);
  if (trailers === true) this.trailer('server-timing', async () => rendering.serverTiming());
  // Fastify pipes the stream with backpressure; destroying it (the client left) aborts the page.
  return this.send(Readable.from(rendering));
}

/**
 * A plugin that creates one {@link Fanout} for the app (`app.fanout`, options as
 * {@link FanoutOptions}), gives each request `request.fanout`, its view of the shared session,
 * and each reply `reply.streamPage(page, options)`, and closes the session with the app
 * (`app.close()`; a session given in the options is left open). It applies to the whole app,
 * not just the context it is registered in.
 *
 * @example
 * <!-- fragment: `render` is the app's own
 * import type { Response } from 'fanout';
 * declare function render(user: Response, cart: Response): string;
 * -->
 * ```ts
 * import Fastify from 'fastify';
 * import { fastifyFanout } from 'fanout/fastify';
 *
 * const app = Fastify();
 * await app.register(fastifyFanout, { session: { baseURL: 'http://127.0.0.1:8080' } });
 * app.get('/', async (request, reply) => {
 *   const [user, cart] = await Promise.all([request.fanout.get('/user'), request.fanout.get('/cart')]);
 *   reply.header('server-timing', request.fanout.trace?.serverTiming() ?? '');
 *   return render(user, cart);
 * });
 * ```
 */
export const fastifyFanout: FastifyPluginCallback<FanoutOptions> = Object.assign(fanoutPlugin, {
  // What `fastify-plugin` sets: decorations and hooks reach the whole app, under this name.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'fanout',
});
