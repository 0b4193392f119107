import { Agent } from 'node:http';
import nodeFetch from 'node-fetch';
import type { ClientFactory } from './types.ts';

/** node-fetch 3 on a keep-alive `http.Agent` with `maxSockets` = the limit. */
export const nodeFetchClient: ClientFactory = {
  id: 'node-fetch',
  name: 'node-fetch',
  async open(origin, limit) {
    const agent = new Agent({ keepAlive: true, maxSockets: limit });
    return {
      name: this.name,
      async get(path) {
        const response = await nodeFetch(origin + path, { agent });
        return response.arrayBuffer();
      },
      async close() {
        agent.destroy();
      },
    };
  },
};
