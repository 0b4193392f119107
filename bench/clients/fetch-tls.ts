import { Agent } from 'undici';
import type { SecureClientFactory } from './types.ts';

/**
 * Node's global `fetch` over TLS: it needs a dispatcher that trusts the CA, an undici `Agent`
 * with `connect.ca` and its defaults otherwise (`allowH2` false: HTTP/1.1, a connection per
 * request in flight).
 */
export const fetchTLS: SecureClientFactory = {
  id: 'fetch-tls',
  name: 'fetch (global), undici Agent connect.ca',
  async open(origin, _limit, ca) {
    const agent = new Agent({ connect: { ca } });
    // Node's bundled undici is typed by undici-types, this Agent by the undici package: the same
    // dispatch() interface, two declarations that differ in detail (FormData's iterators).
    const dispatcher = agent as unknown as NonNullable<RequestInit['dispatcher']>;
    return {
      name: this.name,
      async get(path) {
        const response = await fetch(origin + path, { dispatcher });
        return response.arrayBuffer();
      },
      close: () => agent.close(),
    };
  },
};
