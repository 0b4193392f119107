import { Agent } from 'node:http';
import got, { type Got } from 'got';
import type { Client, ClientFactory } from './types.ts';

/** got 14 (the last for Node 20) on a keep-alive `http.Agent`, `maxSockets` = the limit, no retry. */
export const gotClient: ClientFactory = {
  id: 'got',
  name: 'got',
  async open(origin, limit) {
    const agent = new Agent({ keepAlive: true, maxSockets: limit });
    const instance = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
    return gotOn(this.name, origin, instance, agent);
  },
};

/** A client named `name` that GETs paths of `origin` with the got `instance` on `agent`. */
export function gotOn(
  name: string,
  origin: string,
  instance: Got,
  agent: { destroy(): void },
): Client {
  return {
    name,
    get(path) {
      return instance.get(origin + path).buffer();
    },
    async close() {
      agent.destroy();
    },
  };
}
