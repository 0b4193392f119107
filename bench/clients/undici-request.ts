import { Agent, request } from 'undici';
import type { Client, ClientFactory } from './types.ts';

/** Raw `undici.request` on its own Agent: the usual ceiling of Node HTTP clients. */
export const undiciRequest: ClientFactory = {
  id: 'undici-request',
  name: 'undici.request',
  async open(origin, limit) {
    return undiciClient(this.name, origin, new Agent({ connections: limit }));
  },
};

/** A client named `name` that GETs paths of `origin` with `undici.request` on `dispatcher`. */
export function undiciClient(name: string, origin: string, dispatcher: Agent): Client {
  return {
    name,
    async get(path) {
      const { body } = await request(origin + path, { dispatcher });
      return body.arrayBuffer();
    },
    close: () => dispatcher.close(),
  };
}
