import { axiosClient } from './clients/axios.ts';
import { bareDispatch } from './clients/bare-dispatch.ts';
import {
  fanoutFuturesSession,
  fanoutFuturesSessionBound,
  fanoutFuturesSessionTraced,
} from './clients/fanout-futures-session.ts';
import { fanoutFuturesSessionH2, fanoutSessionH2 } from './clients/fanout-h2.ts';
import { fanoutSession } from './clients/fanout-session.ts';
import { fanoutSessionTLS } from './clients/fanout-session-tls.ts';
import { globalFetch } from './clients/fetch.ts';
import { fetchTLS } from './clients/fetch-tls.ts';
import { gotClient } from './clients/got.ts';
import { gotH2 } from './clients/got-h2.ts';
import { nodeFetchClient } from './clients/node-fetch.ts';
import type { ClientFactory, SecureClientFactory } from './clients/types.ts';
import { undiciH2, undiciH2Defaults } from './clients/undici-h2.ts';
import { undiciRequest } from './clients/undici-request.ts';

// The registry of Node clients: one file per client under clients/, listed here in table order.
// A new client is a file exporting a ClientFactory plus one line in the lists below.

export type { Client, ClientFactory, SecureClientFactory } from './clients/types.ts';
export { fanoutFuturesSessionH2, fanoutSessionH2, gotH2, undiciH2, undiciRequest };

/** W1 (fan-out) and W2 (throughput): every Node client, side by side. */
export const nodeClients: readonly ClientFactory[] = [
  undiciRequest,
  bareDispatch,
  fanoutSession,
  fanoutFuturesSession,
  globalFetch,
  nodeFetchClient,
  axiosClient,
  gotClient,
];

/**
 * W3 (memory), each in a fresh process: the reference is undici.request behind the bare promise
 * queue (it does not queue by itself), against fanout's FuturesSession, which does.
 */
export const memoryClients: readonly ClientFactory[] = [
  undiciRequest,
  fanoutFuturesSession,
  fanoutFuturesSessionBound,
];

/**
 * W1 (fan-out): every Node client, plus the FuturesSession with tracing on through `trace.bind`
 * (no process-wide hooks, so it can share the process with the others).
 */
export const fanOutClients: readonly ClientFactory[] = [...nodeClients, fanoutFuturesSessionBound];

/**
 * W2 in a fresh process per round (bench/w2-child.ts): the FuturesSession untraced, traced through
 * `trace.run` (AsyncLocalStorage turns on process-wide promise hooks that every later client would
 * pay for) and traced through `trace.bind` (no async context).
 */
export const isolatedClients: readonly ClientFactory[] = [
  fanoutFuturesSession,
  fanoutFuturesSessionTraced,
  fanoutFuturesSessionBound,
];

/**
 * W6 (one origin over TLS, HTTP/2 and HTTP/1.1 by ALPN): fanout over HTTP/2 and over HTTP/1.1,
 * undici with `allowH2` (its fastest configuration and its defaults), got with `http2: true`, and
 * fetch.
 */
export const secureClients: readonly SecureClientFactory[] = [
  fanoutSessionH2,
  fanoutFuturesSessionH2,
  fanoutSessionTLS,
  undiciH2,
  undiciH2Defaults,
  gotH2,
  fetchTLS,
];

/** Looks a client up by its id (bench/w3-child.ts). */
export function clientById(id: string): ClientFactory | undefined {
  return [...nodeClients, ...isolatedClients].find((factory) => factory.id === id);
}
