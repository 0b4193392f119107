import { type Future, FuturesSession, type Response, Trace } from '../../src/index.ts';
import type { ClientFactory } from './types.ts';

/**
 * fanout's `FuturesSession` with its session defaults (cookie jar, retry, redirects, timeouts),
 * `maxWorkers` = the limit. Its executor bounds and queues by itself (`queues`), so W3 submits
 * all requests at once; W1 and W2 drive it with the same loops as every other client (W2: 64
 * loops each awaiting `session.get(path)`'s future, so 64 run and none wait in its queue). The
 * future itself is handed back, as its users hold it: its Response has the body buffered already.
 */
export const fanoutFuturesSession: ClientFactory = {
  id: 'fanout-futures',
  name: 'fanout FuturesSession (cookies+retry)',
  async open(origin, limit) {
    const session = new FuturesSession({ baseURL: origin, maxWorkers: limit });
    return {
      name: this.name,
      queues: true,
      get: (path) => session.get(path),
      close: () => session.close(),
    };
  },
};

// Requests per trace in the traced variant: about one page's worth.
const REQUESTS_PER_TRACE = 30;

/**
 * The same with tracing on: every request is made inside a {@link Trace} (a new one every
 * 30 requests, like one page each), so it records its timeline and the consumer's blocked time.
 */
export const fanoutFuturesSessionTraced: ClientFactory = {
  id: 'fanout-futures-traced',
  name: 'fanout FuturesSession (cookies+retry+trace)',
  async open(origin, limit) {
    const session = new FuturesSession({ baseURL: origin, maxWorkers: limit });
    let trace = new Trace({ name: 'bench page' });
    let made = 0;
    return {
      name: this.name,
      queues: true,
      get(path) {
        if (++made % REQUESTS_PER_TRACE === 0) trace = new Trace({ name: 'bench page' });
        return trace.run(() => session.get(path));
      },
      close: () => session.close(),
    };
  },
};

/**
 * `session.get` with tracing on through {@link Trace.bind}: each request goes through a view bound
 * to the trace (a new trace every 30 requests), found without AsyncLocalStorage, so no promise
 * hooks run.
 */
export function boundGet(session: FuturesSession): (path: string) => Future<Response> {
  let view = new Trace({ name: 'bench page' }).bind(session);
  let made = 0;
  return (path) => {
    if (++made % REQUESTS_PER_TRACE === 0) view = new Trace({ name: 'bench page' }).bind(session);
    return view.get(path);
  };
}

/** The FuturesSession with tracing on through {@link Trace.bind} (see {@link boundGet}). */
export const fanoutFuturesSessionBound: ClientFactory = {
  id: 'fanout-futures-bound',
  name: 'fanout FuturesSession (cookies+retry+trace.bind)',
  async open(origin, limit) {
    const session = new FuturesSession({ baseURL: origin, maxWorkers: limit });
    return { name: this.name, queues: true, get: boundGet(session), close: () => session.close() };
  },
};
