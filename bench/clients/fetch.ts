import type { ClientFactory } from './types.ts';

/**
 * Node's global `fetch` as people use it: on Node's bundled undici and its global dispatcher
 * (no per-origin connection limit; `limit` requests in flight open at most `limit` sockets).
 */
export const globalFetch: ClientFactory = {
  id: 'fetch',
  name: 'fetch (global)',
  async open(origin) {
    return {
      name: this.name,
      async get(path) {
        const response = await fetch(origin + path);
        return response.arrayBuffer();
      },
      async close() {},
    };
  },
};
