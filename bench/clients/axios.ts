import { Agent } from 'node:http';
import axios from 'axios';
import type { ClientFactory } from './types.ts';

/** axios on a keep-alive `http.Agent` with `maxSockets` = the limit, body read as a buffer. */
export const axiosClient: ClientFactory = {
  id: 'axios',
  name: 'axios',
  async open(origin, limit) {
    const httpAgent = new Agent({ keepAlive: true, maxSockets: limit });
    // proxy: false: never pick up an HTTP(S)_PROXY from the environment; loopback only.
    const instance = axios.create({ baseURL: origin, httpAgent, proxy: false });
    return {
      name: this.name,
      async get(path) {
        const response = await instance.get<ArrayBuffer>(path, { responseType: 'arraybuffer' });
        return response.data;
      },
      async close() {
        httpAgent.destroy();
      },
    };
  },
};
