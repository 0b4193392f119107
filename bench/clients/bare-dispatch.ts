import { Agent, type Dispatcher } from 'undici';
import type { ClientFactory } from './types.ts';

/** The floor: a bare `dispatch()` handler that collects the body into one buffer, nothing else. */
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
          const handler = {
            onConnect() {},
            onHeaders: () => true,
            onData: (chunk: Buffer) => chunks.push(chunk) > 0,
            onComplete: () => resolve(Buffer.concat(chunks)),
            onError: reject,
          };
          dispatcher.dispatch(
            { origin, path, method: 'GET' },
            handler as unknown as Dispatcher.DispatchHandler,
          );
        });
      },
      close: () => dispatcher.close(),
    };
  },
};
