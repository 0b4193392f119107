/**
 * A plain node:http server in front of two backend services. Each page view fires both backend
 * calls through one shared FuturesSession, waits for both, and renders a small HTML page.
 *
 * Run it: npx tsx examples/web-handler.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Future, FuturesSession } from '../src/index.ts';
import { type Recommendation, startBackend, type User } from './backend.ts';

/** The page handler. `api` is shared by every page view: one pool, one in-flight limit. */
export function pageHandler(api: FuturesSession) {
  return async (_request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // Fire both calls before waiting for either; `map` turns each Future<Response> into a
    // Future of the parsed body (a 4xx/5xx fails it with an HTTPError naming the request).
    const both = Future.all([
      api.get('/user').map((r) => r.raiseForStatus().json<User>()),
      api.get('/recommendations').map((r) => r.raiseForStatus().json<Recommendation[]>()),
    ]);
    // If the browser goes away first, cancel the backend calls still running.
    response.once('close', () => both.cancel());
    try {
      const [user, recommendations] = await both;
      send(response, 200, renderPage(user, recommendations));
    } catch {
      // The error names the failed call (method and URL): log it, don't show it to visitors.
      send(response, 502, '<h1>Bad gateway</h1>');
    }
  };
}

/** The page for `user` and their `recommendations`. */
export function renderPage(user: User, recommendations: readonly Recommendation[]): string {
  const items = recommendations.map((book) => `<li>${escapeHTML(book.title)}</li>`).join('');
  return `<!doctype html><title>Hello</title><h1>Hello, ${escapeHTML(user.name)}</h1><ul>${items}</ul>`;
}

/** A running page server: its URL, and `close()` to stop it and its FuturesSession. */
export interface PageServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the page server on 127.0.0.1, port 0, in front of the backend at `origin`. */
export async function startPageServer(origin: string, delay = 0): Promise<PageServer> {
  const api = new FuturesSession({
    baseURL: origin,
    params: { delay },
    maxWorkers: 32,
    timeout: 5_000,
  });
  const server = createServer(pageHandler(api));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    },
  };
}

function send(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html);
}

function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

// Run directly: start a local backend and the page server, fetch the page once, print it.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const backend = await startBackend();
  const pages = await startPageServer(backend.origin);
  try {
    const page = await fetch(pages.url);
    console.log(page.status, await page.text());
  } finally {
    await pages.close();
    await backend.close();
  }
}
