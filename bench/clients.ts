import { Agent, type Dispatcher, request } from 'undici';
import { Session } from '../src/index.ts';

/** One client under test, opened against the backend with a concurrency limit. */
export interface Client {
  readonly name: string;
  /** Sends one GET of `path` and reads the whole body. */
  get(path: string): Promise<unknown>;
  close(): Promise<void>;
}

/** A peer that may be missing on this machine. */
export interface ClientFactory {
  readonly name: string;
  /** Why it cannot run here (e.g. "not installed: apt-get install …"), or undefined. */
  readonly unavailable?: () => Promise<string | undefined>;
  open(origin: string, limit: number): Promise<Client>;
}

/** Raw `undici.request` on its own Agent: the usual ceiling of Node HTTP clients. */
export const undiciRequest: ClientFactory = {
  name: 'undici.request',
  async open(origin, limit) {
    const dispatcher = new Agent({ connections: limit });
    return {
      name: this.name,
      async get(path) {
        const { body } = await request(origin + path, { dispatcher });
        return body.arrayBuffer();
      },
      close: () => dispatcher.close(),
    };
  },
};

/** The floor: a bare `dispatch()` handler that collects the body into one buffer, nothing else. */
export const bareDispatch: ClientFactory = {
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

/** fanout's `Session` with its defaults: cookie jar, retry (2), redirects, timeouts, decompression. */
export const fanoutSession: ClientFactory = {
  name: 'fanout Session (cookies+retry)',
  async open(origin, limit) {
    const session = new Session({ baseURL: origin, connections: limit });
    return {
      name: this.name,
      async get(path) {
        return (await session.get(path)).content;
      },
      close: () => session.close(),
    };
  },
};
