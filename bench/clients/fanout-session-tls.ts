import { Session } from '../../src/index.ts';
import type { SecureClientFactory } from './types.ts';

/** fanout's `Session` as it is today over TLS: HTTP/1.1 by ALPN, `connections` = the limit. */
export const fanoutSessionTLS: SecureClientFactory = {
  id: 'fanout-session-tls',
  name: 'fanout Session HTTP/1.1',
  async open(origin, limit, ca) {
    const session = new Session({ baseURL: origin, connections: limit, ca });
    return {
      name: this.name,
      async get(path) {
        return (await session.get(path)).content;
      },
      close: () => session.close(),
    };
  },
};
