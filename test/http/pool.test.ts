import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

type Context = Parameters<typeof startServer>[0];

/**
 * A server that holds every request until `release()`, counting TCP connections, requests in
 * progress at once, and the sockets requests came on.
 */
async function holding(t: Context, arrivals: number) {
  const stats = { connections: 0, active: 0, maxActive: 0, sockets: new Set<unknown>() };
  const arrived = deferred();
  const released = deferred();
  let received = 0;
  const server = await startServer(t, async (request, response) => {
    stats.active++;
    stats.maxActive = Math.max(stats.maxActive, stats.active);
    stats.sockets.add(request.socket);
    if (++received === arrivals) arrived.resolve();
    await released.promise;
    stats.active--;
    response.end('ok');
  });
  server.server.on('connection', () => stats.connections++);
  return { server, stats, arrived: arrived.promise, release: () => released.resolve() };
}

test('connections bounds the connections per origin', async (t) => {
  const { server, stats, arrived, release } = await holding(t, 2);
  const session = openSession(t, { baseURL: server.origin, connections: 2 });
  const calls = Array.from({ length: 6 }, (_, i) => session.get(`/${i}`));
  await arrived;
  release();
  const responses = await Promise.all(calls);
  assert.ok(responses.every((response) => response.text === 'ok'));
  assert.equal(stats.connections, 2);
  assert.equal(stats.maxActive, 2);
  assert.equal(stats.sockets.size, 2);
});

test('without a small bound, concurrent requests open their own connections', async (t) => {
  const { server, stats, arrived, release } = await holding(t, 6);
  const session = openSession(t, { baseURL: server.origin });
  const calls = Array.from({ length: 6 }, (_, i) => session.get(`/${i}`));
  await arrived;
  release();
  await Promise.all(calls);
  assert.equal(stats.connections, 6);
  assert.equal(stats.maxActive, 6);
});

test('connections are kept alive and reused', async (t) => {
  let connections = 0;
  const server = await startServer(t, (_request, response) => {
    response.end('ok');
  });
  server.server.on('connection', () => connections++);
  const session = openSession(t, { baseURL: server.origin });
  for (let i = 0; i < 5; i++) {
    await session.get('/');
    // undici hands a socket out again one event-loop turn after its response completed.
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(connections, 1);
});

test('keepAliveTimeout closes idle connections', { timeout: 3_000 }, async (t) => {
  const closed = deferred();
  const server = await startServer(t, (request, response) => {
    request.socket.once('close', () => closed.resolve());
    response.end('ok');
  });
  // The server would keep the socket 5 s: the client closes it after 100 ms idle. With the
  // default 4 s, this test would time out.
  server.server.keepAliveTimeout = 60_000;
  const session = openSession(t, { baseURL: server.origin, keepAliveTimeout: 100 });
  await session.get('/');
  await closed.promise;
});

test('pipelining sends requests on one connection before answers come', {
  timeout: 3_000,
}, async (t) => {
  const second = deferred();
  const urls: string[] = [];
  let connections = 0;
  const server = await startServer(t, async (request, response) => {
    urls.push(request.url ?? '');
    if (request.url === '/second') second.resolve();
    // The first answer waits for the second request: without pipelining this never happens.
    else await second.promise;
    response.end(request.url);
  });
  server.server.on('connection', () => connections++);
  const session = openSession(t, { baseURL: server.origin, connections: 1, pipelining: 2 });
  const [first, next] = await Promise.all([session.get('/first'), session.get('/second')]);
  assert.equal(first.text, '/first');
  assert.equal(next.text, '/second');
  assert.deepEqual(urls, ['/first', '/second']);
  assert.equal(connections, 1);
});
