import got from 'got';
// got's own HTTP/2 agent (got depends on it): one per client, so each has a pool of its own.
import http2wrapper from 'http2-wrapper';
import { gotOn } from './got.ts';
import type { SecureClientFactory } from './types.ts';

/** got 14 with `http2: true` (ALPN through http2-wrapper) on its own HTTP/2 agent, no retry. */
export const gotH2: SecureClientFactory = {
  id: 'got-h2',
  name: 'got http2: true',
  async open(origin, _limit, ca) {
    const agent = new http2wrapper.Agent();
    const instance = got.extend({
      http2: true,
      agent: { http2: agent },
      https: { certificateAuthority: ca },
      retry: { limit: 0 },
    });
    return gotOn(this.name, origin, instance, agent);
  },
};
