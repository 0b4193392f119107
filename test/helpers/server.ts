import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TestContext } from 'node:test';

/** A running loopback test server. */
export interface TestServer {
  readonly server: Server;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  /** Sockets currently open to the server. */
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

/** The request body as a string. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts an HTTP server on 127.0.0.1, port 0, and registers its teardown on `t` (a test or a
 * suite context) where it starts. Open sockets are destroyed at close.
 */
export async function startServer(
  t: Pick<TestContext, 'after'>,
  handler: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>,
  host = '127.0.0.1',
): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      response.destroy(error as Error);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t.after(close);
  return { server, origin: `http://${host}:${port}`, port, sockets, close };
}

/** A loopback server that answers every request with an empty 200 and counts them. */
export interface CountingServer extends TestServer {
  /** How many requests reached the server so far. */
  readonly requests: number;
}

/**
 * Starts a {@link CountingServer} (see {@link startServer}): for tests that prove bad input is
 * refused with nothing sent, by asserting `server.requests === 0` at the end.
 */
export async function startCountingServer(t: Pick<TestContext, 'after'>): Promise<CountingServer> {
  let requests = 0;
  const server = await startServer(t, (_request, response) => {
    requests++;
    response.end();
  });
  return Object.defineProperty(server, 'requests', { get: () => requests }) as CountingServer;
}

/** A promise with its resolve and reject, to order events in tests without sleeping. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A new {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A TCP port free on 127.0.0.1 right now, for a server started in another process. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
