import type { TestContext } from 'node:test';
import { type Deferred, deferred, startServer, type TestServer } from './server.ts';

/** One request a {@link Backend} received. */
export interface BackendArrival {
  readonly path: string;
  /** Resolves when the client went away (its socket closed) before the backend answered. */
  readonly abandoned: Promise<void>;
  /** Whether the backend answered it. */
  readonly answered: boolean;
}

/**
 * A loopback backend service for tests. A path starting with `/hold/` is held until the test
 * releases it; any other path is answered at once. Every answer is the path as text. It counts
 * the requests in flight (arrived, neither answered nor abandoned).
 */
export interface Backend extends TestServer {
  /** Paths in arrival order. */
  readonly paths: readonly string[];
  readonly inFlight: number;
  /** The most requests ever in flight at once. */
  readonly maxInFlight: number;
  /** Resolves with the first request for `path`, once it has arrived. */
  arrival(path: string): Promise<BackendArrival>;
  /** Answers the requests for `path` held now and from now on. */
  release(path: string): void;
}

/** Starts a {@link Backend} on port 0, closed when `t` ends. */
export async function startBackend(t: Pick<TestContext, 'after'>): Promise<Backend> {
  const paths: string[] = [];
  const arrivals = new Map<string, Deferred<BackendArrival>>();
  const gates = new Map<string, Deferred<void>>();
  let inFlight = 0;
  let maxInFlight = 0;
  const arrivalOf = (path: string) => {
    let found = arrivals.get(path);
    if (found === undefined) {
      found = deferred<BackendArrival>();
      arrivals.set(path, found);
    }
    return found;
  };
  const gateOf = (path: string) => {
    let gate = gates.get(path);
    if (gate === undefined) {
      gate = deferred();
      gates.set(path, gate);
    }
    return gate;
  };

  const server = await startServer(t, async (request, response) => {
    request.resume();
    const path = request.url ?? '/';
    const abandoned = deferred();
    const arrival = { path, abandoned: abandoned.promise, answered: false };
    paths.push(path);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.once('close', () => {
      inFlight--;
      if (!arrival.answered) abandoned.resolve();
    });
    arrivalOf(path).resolve(arrival);
    if (path.startsWith('/hold/')) await gateOf(path).promise;
    if (response.destroyed) return;
    arrival.answered = true;
    response.setHeader('content-type', 'text/plain');
    response.end(path);
  });
  return {
    ...server,
    paths,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    arrival: (path) => arrivalOf(path).promise,
    release: (path) => gateOf(path).resolve(),
  };
}
