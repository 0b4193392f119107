/**
 * A tiny JSON backend for the examples, on 127.0.0.1 and a free port:
 *
 * - `GET /user` → `{"id":1,"name":"Ada"}`
 * - `GET /recommendations` → a JSON array of books
 *
 * Any route takes `?delay=ms` (0–10 000) to simulate a slow service.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface User {
  id: number;
  name: string;
}

export interface Recommendation {
  id: number;
  title: string;
}

/** A running backend: its origin, and `close()` to stop it. */
export interface Backend {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  close(): Promise<void>;
}

const ROUTES: Record<string, unknown> = {
  '/user': { id: 1, name: 'Ada' } satisfies User,
  '/recommendations': [
    { id: 7, title: 'Notes on the Analytical Engine' },
    { id: 9, title: 'Sketch of the Analytical Engine' },
  ] satisfies Recommendation[],
};

/** Starts the backend on 127.0.0.1, port 0. */
export async function startBackend(): Promise<Backend> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://backend');
    const body = ROUTES[url.pathname];
    const delay = Number(url.searchParams.get('delay') ?? 0);
    if (body === undefined || !(delay >= 0 && delay <= 10_000)) {
      response.writeHead(body === undefined ? 404 : 400).end();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    }, delay);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
