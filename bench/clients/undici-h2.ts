import { Agent } from 'undici';
import type { SecureClientFactory } from './types.ts';
import { undiciClient } from './undici-request.ts';

/**
 * `undici.request` on an Agent with `allowH2` and `pipelining: 100`, its fastest configuration
 * against one HTTP/2 origin (the streams one connection carries at once).
 */
export const undiciH2: SecureClientFactory = {
  id: 'undici-h2',
  name: 'undici.request allowH2, pipelining 100',
  async open(origin, _limit, ca) {
    const agent = new Agent({ allowH2: true, pipelining: 100, connect: { ca } });
    return undiciClient(this.name, origin, agent);
  },
};

/** The same with undici's defaults otherwise (`pipelining` 1: a connection per request in flight). */
export const undiciH2Defaults: SecureClientFactory = {
  id: 'undici-h2-defaults',
  name: 'undici.request allowH2, defaults',
  async open(origin, _limit, ca) {
    return undiciClient(this.name, origin, new Agent({ allowH2: true, connect: { ca } }));
  },
};
