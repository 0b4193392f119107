import assert from 'node:assert/strict';
import { createServer as createHTTPServer, type IncomingMessage } from 'node:http';
import type { ServerOptions } from 'node:https';
import { connect, type Socket } from 'node:net';
import { before, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { ConnectionError, InvalidRequestError } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { type KeyPair, selfSigned, startHTTPS as startTLSServer } from '../helpers/tls.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

type Context = Parameters<typeof startServer>[0];

let server: KeyPair;
let client: KeyPair;

before(() => {
  [server, client] = selfSigned('/CN=localhost', '/CN=fanout-client') as [KeyPair, KeyPair];
});

/** An https server on 127.0.0.1 with the server certificate, closed at the end of `t`. */
function startHTTPS(
  t: Context,
  handler: Parameters<typeof startTLSServer>[2],
  options: ServerOptions = {},
) {
  return startTLSServer(t, server, handler, options);
}

test('an untrusted certificate is rejected by default: ConnectionError', async (t) => {
  let hits = 0;
  const https = await startHTTPS(t, (_request, response) => {
    hits++;
    response.end();
  });
  const session = openSession(t, { baseURL: https.origin, retry: false });
  const error = await session.get('/').catch((e: unknown) => e);
  assert.ok(error instanceof ConnectionError, String(error));
  assert.match(error.message, /GET https:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(hits, 0);
});

test('a trusted ca is accepted (session and per request)', async (t) => {
  const https = await startHTTPS(t, echo);
  const trusting = openSession(t, { baseURL: https.origin, ca: server.cert });
  assert.equal((await trusting.get('/s')).json<Echo>().url, '/s');
  const plain = openSession(t, { baseURL: https.origin, retry: false });
  await assert.rejects(plain.get('/'), ConnectionError);
  assert.equal((await plain.get('/r', { ca: [server.cert] })).json<Echo>().url, '/r');
  await assert.rejects(plain.get('/'), ConnectionError, 'the per-request ca is not kept');
});

test('rejectUnauthorized: false accepts any certificate', async (t) => {
  const https = await startHTTPS(t, echo);
  const session = openSession(t, { baseURL: https.origin, retry: false });
  const response = await session.get('/x', { rejectUnauthorized: false });
  assert.equal(response.status, 200);
  const lax = openSession(t, { baseURL: https.origin, rejectUnauthorized: false });
  assert.equal((await lax.get('/')).status, 200);
  await assert.rejects(lax.get('/', { rejectUnauthorized: true }), ConnectionError);
});

test('cert and key authenticate the client (mutual TLS)', async (t) => {
  const https = await startHTTPS(
    t,
    (request, response) => {
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      response.end(peer.subject?.CN ?? 'anonymous');
    },
    { requestCert: true, rejectUnauthorized: true, ca: client.cert },
  );
  const session = openSession(t, { baseURL: https.origin, ca: server.cert, retry: false });
  await assert.rejects(session.get('/'), ConnectionError);
  const response = await session.get('/', { cert: client.cert, key: client.key });
  assert.equal(response.text, 'fanout-client');
});

test('a Secure cookie is sent over https', async (t) => {
  const https = await startHTTPS(t, (request, response) => {
    if (request.url === '/set') response.setHeader('set-cookie', 'sec=1; Secure; Path=/');
    void echo(request, response);
  });
  const session = openSession(t, { baseURL: https.origin, ca: server.cert });
  await session.get('/set');
  assert.equal((await session.get('/next')).json<Echo>().headers.cookie, 'sec=1');
});

/** A CONNECT proxy on 127.0.0.1 that tunnels to loopback targets and records what it saw. */
async function startProxy(t: Context, options: { refuse?: boolean } = {}) {
  const seen: { target: string; authorization: string | undefined }[] = [];
  // Local ports of the proxy's upstream connections, as the target sees them.
  const ports = new Set<number>();
  const sockets = new Set<Socket>();
  const proxy = createHTTPServer((_request, response) => response.writeHead(405).end());
  proxy.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  proxy.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const target = request.url ?? '';
    seen.push({ target, authorization: request.headers['proxy-authorization'] });
    const [host, port] = target.split(':');
    if (options.refuse || !host?.startsWith('127.')) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), host, () => {
      ports.add(upstream.localPort as number);
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  const { port } = proxy.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, seen, ports };
}

test('proxy: requests go through the CONNECT proxy', async (t) => {
  const remotePorts: number[] = [];
  const target = await startServer(t, (request, response) => {
    remotePorts.push(request.socket.remotePort as number);
    void echo(request, response);
  });
  const proxy = await startProxy(t);
  const session = openSession(t, { baseURL: target.origin, proxy: proxy.url });
  assert.equal((await session.get('/via-proxy')).json<Echo>().url, '/via-proxy');
  assert.equal((await session.post('/again', { json: 1 })).json<Echo>().body, '1');
  assert.equal(remotePorts.length, 2);
  for (const port of remotePorts) assert.ok(proxy.ports.has(port), 'came from the proxy');
  assert.ok(proxy.seen.length >= 1);
  for (const { target: where } of proxy.seen) assert.equal(where, `127.0.0.1:${target.port}`);
});

test('proxy: per request, with a token for Proxy-Authorization', async (t) => {
  const target = await startServer(t, echo);
  const proxy = await startProxy(t);
  const session = openSession(t, { baseURL: target.origin });
  await session.get('/direct');
  assert.equal(proxy.seen.length, 0);
  await assert.rejects(
    session.get('/', { proxy: proxy.url, headers: { 'Proxy-Authorization': 'Basic eDp5' } }),
    InvalidRequestError,
    'a Proxy-Authorization header through a proxy is refused with a typed error',
  );
  const response = await session.get('/proxied', {
    proxy: { uri: proxy.url, token: 'Basic cHJveHk6c2VjcmV0' },
  });
  assert.equal(response.json<Echo>().url, '/proxied');
  assert.deepEqual(proxy.seen, [
    { target: `127.0.0.1:${target.port}`, authorization: 'Basic cHJveHk6c2VjcmV0' },
  ]);
  assert.equal(
    response.json<Echo>().headers['proxy-authorization'],
    undefined,
    'the token stops at the proxy',
  );
});

test('proxy: an https target is reached through the tunnel with TLS options', async (t) => {
  const https = await startHTTPS(t, echo);
  const proxy = await startProxy(t);
  const session = openSession(t, {
    baseURL: https.origin,
    proxy: new URL(proxy.url),
    ca: server.cert,
  });
  assert.equal((await session.get('/secure')).json<Echo>().url, '/secure');
  assert.equal(proxy.seen[0]?.target, `127.0.0.1:${https.port}`);
});

test('proxy: a refused tunnel → ConnectionError', async (t) => {
  const target = await startServer(t, echo);
  const proxy = await startProxy(t, { refuse: true });
  const session = openSession(t, { baseURL: target.origin, proxy: proxy.url, retry: false });
  await assert.rejects(session.get('/'), ConnectionError);
  assert.equal(proxy.seen.length, 1);
});
