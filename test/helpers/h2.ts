import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createServer as createH2CServer,
  createSecureServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type SecureServerOptions,
  type ServerHttp2Session,
  type ServerOptions,
} from 'node:http2';
import { createServer as createHTTPSServer, type Server as HTTPSServer } from 'node:https';
import { connect, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from './server.ts';
import { type KeyPair, selfSigned } from './tls.ts';

type Context = Pick<TestContext, 'after'>;

/** A request handler of the `node:http2` compatibility API (an HTTP/1.1 request too, on ALPN). */
export type H2Handler = (
  request: Http2ServerRequest,
  response: Http2ServerResponse,
) => void | Promise<void>;

/** A running loopback server that counts what it accepted, for "exactly one connection" tests. */
export interface CountingServer<S> {
  /** The `node:http2` (or `node:https`) server, for stream-level events. */
  readonly server: S;
  /** `http://127.0.0.1:PORT` (h2c) or `https://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** HTTP/2 sessions started so far (0 on an HTTP/1.1-only server). */
  readonly sessions: number;
  /** The HTTP/2 sessions open now. */
  readonly openSessions: ReadonlySet<ServerHttp2Session>;
  /** Closes the server, destroying its sessions and sockets. Also runs when the test ends. */
  close(): Promise<void>;
}

/** A TLS test server: a {@link CountingServer} and the certificate a client must trust. */
export interface TLSCountingServer<S> extends CountingServer<S> {
  /** The server's self-signed certificate (PEM), for a client's `ca`. */
  readonly ca: string;
}

// One key pair for every TLS test server of the process: openssl takes ~100 ms per key.
let sharedPair: KeyPair | undefined;

/** The self-signed certificate for 127.0.0.1 the TLS servers here use, made once per process. */
export function testKeyPair(): KeyPair {
  sharedPair ??= selfSigned('/CN=127.0.0.1')[0] as KeyPair;
  return sharedPair;
}

function serve(handler: H2Handler) {
  return (request: Http2ServerRequest, response: Http2ServerResponse) => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      response.stream?.destroy(error as Error);
    });
  };
}

// Listens on 127.0.0.1:0, counts sockets and sessions, and registers the teardown on `t`.
async function listen<S extends NetServer>(
  t: Context,
  server: S,
  scheme: 'http' | 'https',
): Promise<CountingServer<S>> {
  const sockets = new Set<Socket>();
  const openSessions = new Set<ServerHttp2Session>();
  let connections = 0;
  let sessions = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('session', (session: ServerHttp2Session) => {
    sessions++;
    openSessions.add(session);
    session.on('close', () => openSessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const session of openSessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    });
    return closed;
  };
  t.after(close);
  return {
    server,
    origin: `${scheme}://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    get sessions() {
      return sessions;
    },
    openSessions,
    close,
  };
}

/** Starts a cleartext HTTP/2 server (h2c, prior knowledge) on 127.0.0.1, port 0. */
export function startH2C(
  t: Context,
  handler: H2Handler,
  options: ServerOptions = {},
): Promise<CountingServer<Http2Server>> {
  return listen(t, createH2CServer(options, serve(handler)), 'http');
}

/**
 * Starts an HTTP/2 server over TLS on 127.0.0.1, port 0, offering `h2` and `http/1.1` by ALPN
 * (a client without `h2` gets HTTP/1.1 from the same handler), with {@link testKeyPair} unless
 * `options` gives a `key` and `cert`.
 */
export async function startH2TLS(
  t: Context,
  handler: H2Handler,
  options: SecureServerOptions = {},
): Promise<TLSCountingServer<Http2SecureServer>> {
  const pair = options.cert === undefined ? testKeyPair() : undefined;
  const server = createSecureServer(
    { ...pair, allowHTTP1: true, ALPNProtocols: ['h2', 'http/1.1'], ...options },
    serve(handler),
  );
  const running = await listen(t, server, 'https');
  return Object.assign(running, { ca: String(options.cert ?? pair?.cert) });
}

/**
 * Starts an HTTPS server that speaks HTTP/1.1 only (ALPN `http/1.1`), for the fallback of a
 * client that asks for `h2`, on 127.0.0.1, port 0, with {@link testKeyPair}.
 */
export async function startH1TLS(
  t: Context,
  handler: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>,
): Promise<TLSCountingServer<HTTPSServer>> {
  const pair = testKeyPair();
  const server = createHTTPSServer(
    { ...pair, ALPNProtocols: ['http/1.1'] },
    (request, response) => {
      Promise.resolve(handler(request, response)).catch((error: unknown) => {
        response.destroy(error as Error);
      });
    },
  );
  const running = await listen(t, server, 'https');
  return Object.assign(running, { ca: pair.cert });
}

/** A running nghttpd. */
export interface TestNghttpd {
  /** `http://127.0.0.1:PORT` (h2c) or `https://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly port: number;
  /** The certificate a client must trust (TLS only). */
  readonly ca: string | undefined;
  /** The document root it serves, a temporary folder removed at the end. */
  readonly docroot: string;
  /** Kills it and removes the document root. Also runs when the test ends. */
  stop(): Promise<void>;
}

/** What {@link startNghttpd} serves and how. */
export interface NghttpdOptions {
  /** Over TLS with ALPN `h2` and {@link testKeyPair} (default: h2c, prior knowledge). */
  readonly tls?: boolean;
  /** Files of the document root, by path relative to it (`'a/b.txt'`). */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /** More nghttpd options, such as `['--echo-upload']` or `['-m', '10']`. */
  readonly args?: readonly string[];
}

const NGHTTPD = '/usr/sbin/nghttpd';
const INSTALL = 'apt-get update && apt-get install -y nghttp2-server';

/**
 * Starts nghttpd (nghttp2's own server: framing fanout did not write) on a free port of
 * 127.0.0.1 and waits until it accepts connections; killed, and its document root removed, when
 * `t` ends. Fails with install instructions when nghttpd is missing: its tests never skip.
 */
export async function startNghttpd(t: Context, options: NghttpdOptions = {}): Promise<TestNghttpd> {
  if (!existsSync(NGHTTPD)) {
    throw new Error(`nghttpd is not installed (no ${NGHTTPD}). Install it with: ${INSTALL}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'fanout-nghttpd-'));
  const docroot = join(dir, 'htdocs');
  mkdirSync(docroot);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    const file = join(docroot, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const pair = options.tls === true ? testKeyPair() : undefined;
  const tlsArgs: string[] = [];
  if (pair !== undefined) {
    writeFileSync(join(dir, 'key.pem'), pair.key);
    writeFileSync(join(dir, 'cert.pem'), pair.cert);
    tlsArgs.push(join(dir, 'key.pem'), join(dir, 'cert.pem'));
  }
  const port = await freePort();
  const child = spawn(
    NGHTTPD,
    [
      '--address=127.0.0.1',
      `--htdocs=${docroot}`,
      ...(pair === undefined ? ['--no-tls'] : []),
      ...(options.args ?? []),
      String(port),
      ...tlsArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  const stop = async () => {
    await kill(child);
    rmSync(dir, { recursive: true, force: true });
  };
  t.after(stop);
  try {
    await waitUntilAccepting(port, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  const scheme = pair === undefined ? 'http' : 'https';
  return { origin: `${scheme}://127.0.0.1:${port}`, port, ca: pair?.cert, docroot, stop };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

// Whether a TCP connection to 127.0.0.1:`port` is accepted.
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
  });
}

// Polls a connect until one is accepted: at most 750 tries, 20 ms apart (15 s, for a loaded machine), failing at once
// when the process exits (a taken port, a bad option).
async function waitUntilAccepting(
  port: number,
  child: ChildProcess,
  log: () => string,
): Promise<void> {
  for (let attempt = 0; attempt < 750; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nghttpd exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
    }
    if (await accepts(port)) return;
    await delay(20);
  }
  throw new Error(`nghttpd did not accept connections on port ${port} within 15 s:\n${log()}`);
}
