import { Agent, type Dispatcher } from 'undici';
import type { ClientFactory } from './types.ts';

/**
 * The floor: a bare `dispatch()` handler (undici's controller API, as fanout's exchange) that
 * collects the body into one buffer, nothing else.
 */
export const bareDispatch: ClientFactory = {
  id: 'bare-dispatch',
  name: 'bare dispatch (floor)',
  async open(origin, limit) {
    const dispatcher = new Agent({ connections: limit });
    return {
      name: this.name,
      get(path) {
        return new Promise((resolve, reject) => {
          const chunks: Buffer[] = [];
          const handler: Dispatcher.DispatchHandler = {
            onRequestStart() {},
            onResponseStart() {},
            onResponseData: (_controller, chunk) => chunks.push(chunk),
            onResponseEnd: () => resolve(Buffer.concat(chunks)),
            onResponseError: (_controller, error) => reject(error),
          };
          dispatcher.dispatch({ origin, path, method: 'GET' }, handler);
        });
      },
      close: () => dispatcher.close(),
    };
  },
};
