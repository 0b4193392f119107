/**
 * `fanout/express`: Express 5 middleware that installs the request's {@link RequestFanout} as
 * `req.fanout`. Express is only referenced by types: importing this module does not load it.
 *
 * @module fanout/express
 */

import type { RequestHandler } from 'express';
import { fail } from '../core/validate.ts';
import { Fanout } from './fanout.ts';
import type { RequestFanout } from './request-fanout.ts';

// The node:http adapter's API, so one import serves an app.
export * from './node.ts';

declare global {
  // Express's own extension point for properties of `req` (@types/express-serve-static-core).
  namespace Express {
    interface Request {
      /** The incoming request's view of the app's shared session (installed by {@link expressFanout}). */
      fanout: RequestFanout;
    }
  }
}

/**
 * Middleware that gives each request `req.fanout`, its view of `fanout`'s shared session (and,
 * with the `traceContext` option, runs the rest of the chain inside the view's trace context).
 * The app owns `fanout`: close it when the server closes.
 *
 * A handler awaiting a future that the client's disconnect cancelled gets a `CancelledError`
 * (passed to Express's error handling like any other error; the response is gone by then).
 *
 * @throws {InvalidOptionError} if `fanout` is not a {@link Fanout}.
 * @example
 * <!-- fragment: `render` is the app's own
 * import type { Response } from 'fanout';
 * declare function render(user: Response, cart: Response): string;
 * -->
 * ```ts
 * import express from 'express';
 * import { Fanout, expressFanout } from 'fanout/express';
 *
 * const fanout = new Fanout({ session: { baseURL: 'http://127.0.0.1:8080' } });
 * const app = express();
 * app.use(expressFanout(fanout));
 * app.get('/', async (req, res) => {
 *   const [user, cart] = await Promise.all([req.fanout.get('/user'), req.fanout.get('/cart')]);
 *   res.set('server-timing', req.fanout.trace?.serverTiming() ?? '').send(render(user, cart));
 * });
 * const server = app.listen(3000);
 * server.on('close', () => fanout.close());
 * ```
 */
export function expressFanout(fanout: Fanout): RequestHandler {
  if (!(fanout instanceof Fanout)) fail('fanout', 'a Fanout', fanout);
  return function fanoutMiddleware(request, response, next) {
    const view = fanout.open(request, response);
    request.fanout = view;
    fanout.within(view, next);
  };
}
