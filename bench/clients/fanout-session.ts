import { Session } from '../../src/index.ts';
import type { ClientFactory } from './types.ts';

/** fanout's `Session` with its defaults: cookie jar, retry (2), redirects, timeouts, decompression. */
export const fanoutSession: ClientFactory = {
  id: 'fanout-session',
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
