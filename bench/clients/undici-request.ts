import { Agent, request } from 'undici';
import type { ClientFactory } from './types.ts';

/** Raw `undici.request` on its own Agent: the usual ceiling of Node HTTP clients. */
export const undiciRequest: ClientFactory = {
  id: 'undici-request',
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
