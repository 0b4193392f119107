import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { TimeoutError } from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

async function timeoutOf(promise: Promise<unknown>): Promise<TimeoutError> {
  const error = await promise.catch((e: unknown) => e);
  assert.ok(error instanceof TimeoutError, `expected a TimeoutError, got ${String(error)}`);
  return error;
}

test('connect: a TLS handshake that never completes → TimeoutError (connect), on time', async (t) => {
  // A TCP server that accepts and never speaks: the TLS connection is never established.
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
  const { port } = silent.address() as { port: number };
  // The total deadline would pass soon after: the connect timeout must fire on time to win.
  const session = openSession(t, { timeout: { connect: 200, total: 450 }, retry: false });
  const error = await timeoutOf(session.get(`https://127.0.0.1:${port}/x`));
  assert.equal(error.phase, 'connect');
  assert.equal(error.timeout, 200);
  assert.equal(error.code, 'FANOUT_TIMEOUT');
  assert.match(error.message, /connect.*GET https:\/\/127\.0\.0\.1:\d+\/x/);
});

test('headers: a server that never answers → TimeoutError (headers), on time', {
  timeout: 10_000,
}, async (t) => {
  const seen = deferred();
  const server = await startServer(t, () => seen.resolve());
  const session = openSession(t, { baseURL: server.origin });
  const error = await timeoutOf(
    session.get('/slow', { timeout: { headers: 200, total: 450 }, retry: false }),
  );
  await seen.promise;
  assert.equal(error.phase, 'headers');
  assert.equal(error.timeout, 200);
  assert.match(error.message, /\(headers\): GET http:\/\/127\.0\.0\.1:\d+\/slow$/);
});

test('body: a server that stalls mid-body → TimeoutError (body), on time', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-length': '100' });
    response.write('partial');
  });
  const session = openSession(t, { baseURL: server.origin });
  const error = await timeoutOf(
    session.get('/', { timeout: { body: 200, total: 450 }, retry: false }),
  );
  assert.equal(error.phase, 'body');
  assert.equal(error.timeout, 200);
});

test('body: the timer is idle time, reset by every chunk', async (t) => {
  const chunks = 6;
  const server = await startServer(t, async (request, response) => {
    response.writeHead(200);
    // Each chunk comes when the client has had the previous one for a while: 6 × 80 ms in all,
    // more than the 200 ms body timeout, but never 200 ms between two chunks.
    for (let i = 0; i < chunks; i++) {
      response.write(`${i}`);
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    response.end();
    request.resume();
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', { timeout: { body: 200 }, retry: false });
  assert.equal(response.text, '012345');
});

test('total: one deadline across redirects', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/start') response.writeHead(302, { location: '/stall' }).end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const error = await timeoutOf(session.get('/start', { timeout: { total: 300 } }));
  assert.equal(error.phase, 'total');
  assert.equal(error.timeout, 300);
  assert.match(error.message, /\/stall$/);
});

test('total: one deadline across retries (never retried itself)', async (t) => {
  let hits = 0;
  const server = await startServer(t, (_request, response) => {
    hits++;
    if (hits < 3) response.writeHead(503).end();
    // the third attempt never gets an answer
  });
  const session = openSession(t, { baseURL: server.origin });
  const error = await timeoutOf(
    session.get('/', { timeout: 300, retry: { limit: 5, baseDelay: 1 } }),
  );
  assert.equal(error.phase, 'total');
  assert.equal(error.timeout, 300);
  assert.equal(hits, 3);
});

test('a number means the total timeout', async (t) => {
  const server = await startServer(t, () => {});
  const session = openSession(t, { baseURL: server.origin });
  const error = await timeoutOf(session.get('/', { timeout: 250 }));
  assert.equal(error.phase, 'total');
  assert.equal(error.timeout, 250);
});

test('the default total timeout is 30 s', { timeout: 10_000 }, async (t) => {
  const received = deferred();
  const server = await startServer(t, () => received.resolve());
  const session = openSession(t, { baseURL: server.origin });
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let settled = false;
  const call = session.get('/').finally(() => {
    settled = true;
  });
  await received.promise;
  t.mock.timers.tick(29_999);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false);
  t.mock.timers.tick(1);
  const error = await timeoutOf(call);
  assert.equal(error.phase, 'total');
  assert.equal(error.timeout, 30_000);
});

test('timeout: false for a phase switches it off', { timeout: 10_000 }, async (t) => {
  const release = deferred();
  const received = deferred();
  const server = await startServer(t, async (request, response) => {
    if (request.url === '/held') {
      received.resolve();
      await release.promise;
      response.end('late');
    }
  });
  const session = openSession(t, { baseURL: server.origin, timeout: { headers: 150 } });
  const patient = session.get('/held', { timeout: { headers: false, total: false } });
  await received.promise;
  const other = await timeoutOf(session.get('/never', { retry: false }));
  assert.equal(other.phase, 'headers');
  release.resolve();
  assert.equal((await patient).text, 'late');
});
