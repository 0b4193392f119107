/**
 * `fanout/node`: the node:http adapter — one shared session per app, one traced view per
 * incoming request, cancelled when its client disconnects. It needs nothing but Node; the
 * Express and Fastify glue live in `fanout/express` and `fanout/fastify`.
 *
 * @module fanout/node
 */

export {
  Fanout,
  type FanoutErrorHandler,
  type FanoutHandler,
  type FanoutOptions,
} from './fanout.ts';
export {
  type PageArgs,
  type PageRenderOptions,
  type RenderablePage,
  RequestFanout,
  type StreamPageOptions,
} from './request-fanout.ts';
