import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import { deferred, startServer, type TestServer } from '../helpers/server.ts';

/** A request a {@link CountingServer} received. */
export interface Arrival {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** Resolves when the request's socket closes (the client aborted it, or the server closed). */
  readonly socketClosed: Promise<void>;
}

/**
 * A loopback server that counts the requests it receives and holds each one until the test
 * releases them, so concurrent callers are provably in flight together. Every answer is JSON:
 * `{ url, seq }` (`seq` counts the requests of that path). `/redirect` answers 302 to `/target`;
 * `/flaky` answers 503 to its first request.
 */
export interface CountingServer extends TestServer {
  readonly arrivals: readonly Arrival[];
  /** Resolves once `count` requests have arrived (at once if they have). */
  arrived(count: number): Promise<void>;
  /** Answers the held requests, and from now on every request as soon as it arrives. */
  release(): void;
}

export async function countingServer(t: Pick<TestContext, 'after'>): Promise<CountingServer> {
  const arrivals: Arrival[] = [];
  const seqByPath = new Map<string, number>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const gate = deferred();
  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    const socketClosed = deferred();
    request.socket.once('close', () => socketClosed.resolve());
    arrivals.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      socketClosed: socketClosed.promise,
    });
    for (const waiter of waiters.filter((w) => arrivals.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    await gate.promise;
    if (response.destroyed) return;
    const path = (request.url ?? '').split('?')[0] ?? '';
    const seq = (seqByPath.get(path) ?? 0) + 1;
    seqByPath.set(path, seq);
    if (path === '/redirect') {
      response.writeHead(302, { location: '/target' }).end();
      return;
    }
    if (path === '/flaky' && seq === 1) {
      response.writeHead(503, { 'retry-after': '0' }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json', 'x-seq': String(seq) });
    response.end(request.method === 'HEAD' ? undefined : JSON.stringify({ url: request.url, seq }));
  };
  const server = await startServer(t, handler);
  return {
    ...server,
    arrivals,
    arrived(count) {
      if (arrivals.length >= count) return Promise.resolve();
      const waiter = deferred();
      waiters.push({ count, resolve: waiter.resolve });
      return waiter.promise;
    },
    release: () => gate.resolve(),
  };
}
