import { Agent } from 'node:http';
import got from 'got';
import type { ClientFactory } from './types.ts';

/** got 14 (the last for Node 20) on a keep-alive `http.Agent`, `maxSockets` = the limit, no retry. */
export const gotClient: ClientFactory = {
  id: 'got',
  name: 'got',
  async open(origin, limit) {
    const agent = new Agent({ keepAlive: true, maxSockets: limit });
    const instance = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
    return {
      name: this.name,
      get(path) {
        return instance.get(origin + path).buffer();
      },
      async close() {
        agent.destroy();
      },
    };
  },
};
