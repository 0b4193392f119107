/**
 * The simulated backend: one node:http server on 127.0.0.1 with a route per service of the
 * catalog, `GET /api/<name>`, each answering JSON after its latency (or 503, for the failing one).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SERVICES, type Service } from './catalog.ts';

/** Options of {@link startServices}. */
export interface ServicesOptions {
  /** Each service's latency in ms (see `drawLatencies`); a service missing here answers at once. */
  readonly latencies: ReadonlyMap<string, number>;
  /**
   * Awaited before a service answers, after its latency: tests hold a service with it.
   * @default none
   */
  readonly gate?: (service: string) => Promise<void> | undefined;
  /** Services that answer 503 too, besides the catalog's failing one. @default none */
  readonly failing?: ReadonlySet<string>;
  /** Called when a service has written its answer, with `performance.now()`. @default none */
  readonly onAnswer?: (service: string, at: number) => void;
  /** Called when a client hangs up before a service has answered it. @default none */
  readonly onAbandon?: (service: string) => void;
}

/** The running backend. */
export interface Services {
  /** `http://127.0.0.1:PORT`; service `name` is at `${origin}/api/${name}`. */
  readonly origin: string;
  /** Stops the server, drops its connections and pending answers. */
  close(): Promise<void>;
}

const BY_NAME = new Map(SERVICES.map((service) => [service.name, service]));

function sendJSON(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** The status and body `service` answers to `query` (503 when it `fails`). */
function answer(
  service: Service,
  query: URLSearchParams,
  fails: boolean,
): { status: number; body: unknown } {
  const missing = (service.requires ?? []).filter((name) => !query.has(name));
  if (missing.length > 0) {
    return { status: 400, body: { error: `${service.name} needs ${missing.join(', ')}` } };
  }
  if (fails) return { status: 503, body: { error: `${service.name} is down` } };
  return { status: 200, body: service.body(query) };
}

/** Starts the simulated services on 127.0.0.1 and a free port. */
export async function startServices(options: ServicesOptions): Promise<Services> {
  const { latencies, gate, onAnswer, onAbandon, failing } = options;
  // Answers waiting for their latency; cleared at close so nothing fires after it.
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://services');
    const service = BY_NAME.get(url.pathname.replace(/^\/api\//, ''));
    if (request.method !== 'GET' || !url.pathname.startsWith('/api/') || service === undefined) {
      sendJSON(response, 404, { error: `no service at ${url.pathname}` });
      return;
    }
    response.once('close', () => {
      if (!response.writableFinished) onAbandon?.(service.name);
    });
    const timer = setTimeout(async () => {
      timers.delete(timer);
      await gate?.(service.name);
      const fails = service.fails === true || failing?.has(service.name) === true;
      const { status, body } = answer(service, url.searchParams, fails);
      sendJSON(response, status, body);
      onAnswer?.(service.name, performance.now());
    }, latencies.get(service.name) ?? 0);
    timers.add(timer);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
