import {
  createSecureServer,
  createServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type SecureServerOptions,
  type ServerHttp2Stream,
  type Settings,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** A running HTTP/2 test server on 127.0.0.1. */
export interface H2TestServer {
  readonly server: Http2Server;
  /** `http://127.0.0.1:PORT` (h2c) or `https://…` (TLS). */
  readonly origin: string;
  /** Sessions (connections) the server accepted so far. */
  readonly stats: { sessions: number };
}

/** How a test server answers one stream. */
export type StreamHandler = (
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
) => void | Promise<void>;

/**
 * Starts a node:http2 server on 127.0.0.1, port 0 — cleartext (h2c), or TLS with `tls` — counting
 * its sessions, and registers its teardown on `t`: open sessions are destroyed at close.
 */
export async function startH2Server(
  t: Pick<TestContext, 'after'>,
  handler: StreamHandler,
  options: { settings?: Settings; maxSessionMemory?: number; tls?: SecureServerOptions } = {},
): Promise<H2TestServer> {
  const sessions = new Set<Http2Session>();
  const stats = { sessions: 0 };
  const serverOptions = {
    ...(options.settings !== undefined && { settings: options.settings }),
    ...(options.maxSessionMemory !== undefined && { maxSessionMemory: options.maxSessionMemory }),
  };
  const server: Http2Server =
    options.tls === undefined
      ? createServer(serverOptions)
      : (createSecureServer({ ...serverOptions, ...options.tls }) as unknown as Http2Server);
  server.on('session', (session) => {
    stats.sessions++;
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    Promise.resolve(handler(stream, headers)).catch((error: unknown) => {
      stream.destroy(error as Error);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t.after(async () => {
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const scheme = options.tls === undefined ? 'http' : 'https';
  return { server, origin: `${scheme}://127.0.0.1:${port}`, stats };
}
