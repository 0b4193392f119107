import { FuturesSession, InvalidOptionError, Session } from '../../src/index.ts';
import type { SecureClientFactory } from './types.ts';

// The options of fanout's HTTP/2 clients: the session option `http2` (#15), nothing else set, so
// each origin gets its default of one HTTP/2 session. Built in a variable rather than written as
// a literal so this compiles on a build whose SessionOptions has no `http2` yet; such a build
// refuses it with InvalidOptionError, and the client reports itself unavailable (below).
function h2Options(origin: string, ca: string) {
  return { baseURL: origin, http2: true, ca };
}

/**
 * Why fanout's HTTP/2 clients cannot run on this build: "not available: …" when constructing a
 * session with `http2: true` throws InvalidOptionError (the option does not exist here), else
 * undefined. Any other error is left to fail the client's start with its own message.
 */
async function withoutHTTP2(ca: string): Promise<string | undefined> {
  try {
    await new Session(h2Options('https://127.0.0.1', ca)).close();
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    return `not available: this build has no \`http2\` session option (${error.message})`;
  }
}

/** fanout's `Session` over HTTP/2 (`http2: true`, ALPN), its other defaults as they are. */
export const fanoutSessionH2: SecureClientFactory = {
  id: 'fanout-session-h2',
  name: 'fanout Session http2: true',
  unavailable: withoutHTTP2,
  async open(origin, _limit, ca) {
    const session = new Session(h2Options(origin, ca));
    return {
      name: this.name,
      async get(path) {
        return (await session.get(path)).content;
      },
      close: () => session.close(),
    };
  },
};

/** fanout's `FuturesSession` over HTTP/2, `maxWorkers` = the limit (its futures awaited as such). */
export const fanoutFuturesSessionH2: SecureClientFactory = {
  id: 'fanout-futures-h2',
  name: 'fanout FuturesSession http2: true',
  unavailable: withoutHTTP2,
  async open(origin, limit, ca) {
    const session = new FuturesSession({ ...h2Options(origin, ca), maxWorkers: limit });
    return {
      name: this.name,
      queues: true,
      get: (path) => session.get(path),
      close: () => session.close(),
    };
  },
};
