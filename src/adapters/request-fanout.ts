import {
  type Future,
  type FutureRequestOptions,
  FuturesScope,
  type FuturesSession,
  type Response,
  type Trace,
} from '../index.ts';

/**
 * The per-incoming-request view of an app's shared {@link FuturesSession} (`req.fanout`,
 * `request.fanout`): every verb of a {@link FuturesScope}, on the app's one executor and
 * connection pool. Requests made through it join {@link RequestFanout.trace}, wherever they are
 * made from, and are cancelled (really: their sockets close) if the client disconnects before
 * the response has finished. Made by {@link Fanout.open}.
 *
 * @example
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

  constructor(session: FuturesSession, trace: Trace | undefined) {
    super(session);
    this.trace = trace;
  }

  /** Like {@link FuturesScope.request}, and the request joins this view's trace. */
  override request(
    method: string,
    url: string | URL,
    options?: FutureRequestOptions,
  ): Future<Response> {
    const trace = this.trace;
    if (trace === undefined) return super.request(method, url, options);
    return trace.run(() => super.request(method, url, options));
  }
}
