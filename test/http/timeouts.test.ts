import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { TimeoutError } from '../../src/index.ts';
import { type FakeTimers, fakeTimers, settle } from '../helpers/fake-timers.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

// Each timer here runs on a fake clock, moved once the library has armed the timer under test: a
// timeout that fires 1 ms early or not at all fails the test (the latter by its `timeout`).
const HANGS = { timeout: 10_000 };

async function timeoutOf(promise: Promise<unknown>): Promise<TimeoutError> {
  const error = await promise.catch((e: unknown) => e);
  assert.ok(error instanceof TimeoutError, `expected a TimeoutError, got ${String(error)}`);
  return error;
}

/**
 * Moves `clock` to 1 ms before `ms` from now and checks `call` is still pending, then the last
 * 1 ms: the TimeoutError it settles with then is returned.
 */
async function expireAfter(
  clock: FakeTimers,
  ms: number,
  call: Promise<unknown>,
): Promise<TimeoutError> {
  let settled = false;
  const outcome = call.finally(() => {
    settled = true;
  });
  clock.tick(ms - 1);
  await settle();
  assert.equal(settled, false, `still pending ${ms - 1} ms on`);
  clock.tick(1);
  return timeoutOf(outcome);
}

test(
  'connect: a TLS handshake that never completes → TimeoutError (connect), on time',
  HANGS,
  async (t) => {
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
    const clock = fakeTimers(t);
    const connecting = clock.armed(200);
    const call = session.get(`https://127.0.0.1:${port}/x`);
    await connecting;
    const error = await expireAfter(clock, 200, call);
    assert.equal(error.phase, 'connect');
    assert.equal(error.timeout, 200);
    assert.equal(error.code, 'FANOUT_TIMEOUT');
    assert.match(error.message, /connect.*GET https:\/\/127\.0\.0\.1:\d+\/x/);
  },
);

test('headers: a server that never answers → TimeoutError (headers), on time', HANGS, async (t) => {
  const seen = deferred();
  const server = await startServer(t, () => seen.resolve());
  const session = openSession(t, { baseURL: server.origin });
  const clock = fakeTimers(t);
  const sent = clock.armed(200);
  const call = session.get('/slow', { timeout: { headers: 200, total: 450 }, retry: false });
  await sent;
  await seen.promise;
  const error = await expireAfter(clock, 200, call);
  assert.equal(error.phase, 'headers');
  assert.equal(error.timeout, 200);
  assert.match(
    error.message,
    /\(phase: headers, limit: timeout\.headers\): GET http:\/\/127\.0\.0\.1:\d+\/slow$/,
  );
});

test('body: a server that stalls mid-body → TimeoutError (body), on time', HANGS, async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-length': '100' });
    response.write('partial');
  });
  const session = openSession(t, { baseURL: server.origin });
  const clock = fakeTimers(t);
  // The body timer starts at the headers and restarts at the partial chunk: two armings.
  const partial = clock.armed(200, 2);
  const call = session.get('/', { timeout: { body: 200, total: 450 }, retry: false });
  await partial;
  const error = await expireAfter(clock, 200, call);
  assert.equal(error.phase, 'body');
  assert.equal(error.timeout, 200);
});

test('body: the timer is idle time, reset by every chunk', HANGS, async (t) => {
  const chunks = 6;
  let clock: FakeTimers | undefined;
  const server = await startServer(t, async (request, response) => {
    // Each chunk comes when the client has had the previous one for 150 ms: 6 × 150 ms in all,
    // more than the 200 ms body timeout, but never 200 ms between two chunks.
    const fake = clock as FakeTimers;
    response.writeHead(200);
    for (let i = 0; i < chunks; i++) {
      // The client restarts its body timer (200 ms) at each chunk; the headers started it.
      const received = fake.armed(200, i === 0 ? 2 : 1);
      response.write(`${i}`);
      await received;
      fake.tick(150);
    }
    response.end();
    request.resume();
  });
  const session = openSession(t, { baseURL: server.origin });
  clock = fakeTimers(t);
  const response = await session.get('/', { timeout: { body: 200 }, retry: false });
  assert.equal(response.text, '012345');
});

test('total: one deadline across redirects', HANGS, async (t) => {
  const stalled = deferred();
  const server = await startServer(t, (request, response) => {
    if (request.url === '/start') response.writeHead(302, { location: '/stall' }).end();
    else stalled.resolve();
  });
  const session = openSession(t, { baseURL: server.origin });
  const clock = fakeTimers(t);
  const call = session.get('/start', { timeout: { total: 300 } });
  await stalled.promise;
  const error = await expireAfter(clock, 300, call);
  assert.equal(error.phase, 'total');
  assert.equal(error.timeout, 300);
  assert.match(error.message, /\/stall$/);
});

test('total: one deadline across retries (never retried itself)', HANGS, async (t) => {
  let hits = 0;
  const third = deferred();
  const server = await startServer(t, (_request, response) => {
    hits++;
    if (hits < 3) response.writeHead(503).end();
    else third.resolve(); // the third attempt never gets an answer
  });
  const session = openSession(t, { baseURL: server.origin });
  const clock = fakeTimers(t);
  // Each backoff is waited out on the fake clock as soon as it is armed: it counts toward the total.
  const beforeRetry = ({ delay }: { delay: number }) => {
    void clock.armed(delay).then((wait) => clock.tick(wait));
  };
  const call = session.get('/', {
    timeout: 300,
    retry: { limit: 5, baseDelay: 1 },
    hooks: { beforeRetry: [beforeRetry] },
  });
  await third.promise;
  const error = await expireAfter(clock, 300 - clock.now, call);
  assert.equal(error.phase, 'total');
  assert.equal(error.timeout, 300);
  assert.equal(hits, 3);
});

test('a number means the total timeout', HANGS, async (t) => {
  const received = deferred();
  const server = await startServer(t, () => received.resolve());
  const session = openSession(t, { baseURL: server.origin });
  const clock = fakeTimers(t);
  const call = session.get('/', { timeout: 250 });
  await received.promise;
  const error = await expireAfter(clock, 250, call);
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
  const clock = fakeTimers(t);
  const patient = session.get('/held', { timeout: { headers: false, total: false } });
  await received.promise;
  // Its 150 ms pass for both requests: only the one with a headers timeout fails.
  const sent = clock.armed(150);
  const never = session.get('/never', { retry: false });
  await sent;
  const other = await expireAfter(clock, 150, never);
  assert.equal(other.phase, 'headers');
  release.resolve();
  assert.equal((await patient).text, 'late');
});
