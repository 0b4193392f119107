import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import {
  CircuitBreaker,
  CircuitOpenError,
  type CircuitStateChange,
  ConnectionError,
  InvalidOptionError,
  isFanoutError,
  Trace,
} from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { expectWarning } from '../helpers/warnings.ts';
import { openSession } from '../http/fixtures.ts';

/** A server answering with `status.value` (changeable), counting hits. */
async function flaky(t: Parameters<typeof startServer>[0], initial = 503) {
  const state = { hits: 0, status: initial };
  const server = await startServer(t, (_request, response) => {
    state.hits++;
    response.writeHead(state.status).end();
  });
  return { server, state };
}

function useClock(t: { after(fn: () => void): void }) {
  mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());
}

test('breaker: consecutive failures open it; then it fails fast with origin and retryAt', async (t) => {
  useClock(t);
  const { server, state } = await flaky(t);
  const changes: CircuitStateChange[] = [];
  const breaker = new CircuitBreaker({
    trip: { consecutiveFailures: 3 },
    openFor: 5_000,
    onStateChange: (change) => changes.push(change),
  });
  const session = openSession(t, { baseURL: server.origin, retry: false, policies: [breaker] });
  for (let i = 0; i < 3; i++) assert.equal((await session.get('/')).status, 503);
  assert.equal(breaker.state(server.origin), 'open');
  const error = await session.get('/x').catch((e: unknown) => e);
  assert.ok(error instanceof CircuitOpenError);
  assert.ok(isFanoutError(error));
  assert.equal(error.code, 'FANOUT_CIRCUIT_OPEN');
  assert.equal(error.origin, server.origin);
  assert.equal(error.retryAt.getTime(), 1_000_000 + 5_000);
  assert.match(error.message, /Circuit open for http:\/\/127\.0\.0\.1:\d+ until .*: GET .*\/x/);
  assert.equal(state.hits, 3);
  assert.deepEqual(
    changes.map(({ from, to, origin }) => ({ from, to, origin })),
    [{ from: 'closed', to: 'open', origin: server.origin }],
  );
});

test('breaker: a success resets the consecutive count; 4xx is not a failure', async (t) => {
  const { server, state } = await flaky(t);
  const breaker = new CircuitBreaker({ trip: { consecutiveFailures: 2 } });
  const session = openSession(t, { baseURL: server.origin, retry: false, policies: [breaker] });
  await session.get('/');
  state.status = 404;
  await session.get('/');
  await session.get('/');
  state.status = 503;
  await session.get('/');
  assert.equal(breaker.state(server.origin), 'closed');
  await session.get('/');
  assert.equal(breaker.state(server.origin), 'open');
});

test('breaker: open → half-open probe → closed on success, reopened on failure', async (t) => {
  useClock(t);
  const { server, state } = await flaky(t);
  const changes: string[] = [];
  const breaker = new CircuitBreaker({ trip: { consecutiveFailures: 1 }, openFor: 1_000 });
  breaker.onStateChange(({ from, to }) => changes.push(`${from}→${to}`));
  const session = openSession(t, { baseURL: server.origin, retry: false, policies: [breaker] });
  await session.get('/');
  mock.timers.tick(1_000);
  assert.equal(breaker.state(server.origin), 'half-open');
  // The probe fails: open again, for another openFor.
  await session.get('/');
  await assert.rejects(session.get('/'), CircuitOpenError);
  mock.timers.tick(1_000);
  state.status = 200;
  assert.equal((await session.get('/')).status, 200);
  assert.equal(breaker.state(server.origin), 'closed');
  assert.deepEqual(changes, [
    'closed→open',
    'open→half-open',
    'half-open→open',
    'open→half-open',
    'half-open→closed',
  ]);
  assert.equal(state.hits, 3);
});

test('breaker: half-open lets only `halfOpenProbes` through at once', async (t) => {
  useClock(t);
  const { server } = await flaky(t);
  const breaker = new CircuitBreaker({ trip: { consecutiveFailures: 1 }, openFor: 10 });
  const session = openSession(t, { baseURL: server.origin, retry: false, policies: [breaker] });
  await session.get('/');
  mock.timers.tick(10);
  const probe = session.get('/');
  const second = session.get('/').catch((e: unknown) => e);
  assert.ok((await second) instanceof CircuitOpenError);
  assert.equal((await probe).status, 503);
});

test('breaker: failure-ratio mode waits for the minimum throughput, then opens', async (t) => {
  useClock(t);
  const { server, state } = await flaky(t, 200);
  const breaker = new CircuitBreaker({
    trip: { failureRatio: 0.5, window: 10_000, minimumThroughput: 10 },
  });
  const session = openSession(t, { baseURL: server.origin, retry: false, policies: [breaker] });
  for (let i = 0; i < 5; i++) await session.get('/');
  state.status = 500;
  for (let i = 0; i < 4; i++) await session.get('/');
  assert.equal(breaker.state(server.origin), 'closed', '4 of 9: below the minimum throughput');
  await session.get('/');
  assert.equal(breaker.state(server.origin), 'open', '5 of 10 failed');
});

test('breaker: failures that slid out of the window are forgotten', async (t) => {
  useClock(t);
  const { server } = await flaky(t, 500);
  const breaker = new CircuitBreaker({
    trip: { failureRatio: 0.5, window: 1_000, minimumThroughput: 4 },
  });
  const session = openSession(t, { baseURL: server.origin, retry: false, policies: [breaker] });
  for (let i = 0; i < 3; i++) await session.get('/');
  mock.timers.tick(2_000);
  await session.get('/');
  assert.equal(breaker.state(server.origin), 'closed');
});

test('breaker: connection errors count; isFailure decides what else does', async (t) => {
  let hits = 0;
  const server = await startServer(t, (request, response) => {
    hits++;
    if (request.url === '/drop') request.socket.destroy();
    else response.writeHead(429).end();
  });
  const dropping = new CircuitBreaker({ trip: { consecutiveFailures: 2 } });
  const a = openSession(t, { baseURL: server.origin, retry: false, policies: [dropping] });
  await assert.rejects(a.get('/drop'), ConnectionError);
  await assert.rejects(a.get('/drop'), ConnectionError);
  await assert.rejects(a.get('/drop'), CircuitOpenError);
  const strict = new CircuitBreaker({
    trip: { consecutiveFailures: 1 },
    isFailure: ({ response }) => response?.status === 429,
  });
  const b = openSession(t, { baseURL: server.origin, retry: false, policies: [strict] });
  await b.get('/');
  await assert.rejects(b.get('/'), CircuitOpenError);
  assert.equal(hits, 3);
});

test('breaker: per origin, visible in the trace, off when disabled', async (t) => {
  const bad = await flaky(t, 503);
  const good = await flaky(t, 200);
  const breaker = new CircuitBreaker({ trip: { consecutiveFailures: 1 } });
  const session = openSession(t, { retry: false, policies: [breaker] });
  const trace = new Trace();
  await trace.run(() => session.get(`${bad.server.origin}/`));
  assert.deepEqual(
    trace.requests[0]?.events.map(({ type, detail }) => ({ type, detail })),
    [{ type: 'state-change', detail: { from: 'closed', to: 'open' } }],
  );
  assert.equal((await session.get(`${good.server.origin}/`)).status, 200);
  breaker.enabled = false;
  assert.equal((await session.get(`${bad.server.origin}/`)).status, 503);
  assert.equal(bad.state.hits, 2);
});

test('breaker: `origins` limits it to those origins', async (t) => {
  const guarded = await flaky(t, 503);
  const other = await flaky(t, 503);
  const breaker = new CircuitBreaker({
    trip: { consecutiveFailures: 1 },
    origins: [`${guarded.server.origin}/any/path`],
  });
  const session = openSession(t, { retry: false, policies: [breaker] });
  for (let i = 0; i < 3; i++) await session.get(`${other.server.origin}/`);
  assert.equal(breaker.state(other.server.origin), 'closed');
  await session.get(`${guarded.server.origin}/`);
  await assert.rejects(session.get(`${guarded.server.origin}/`), CircuitOpenError);
  assert.equal(other.state.hits, 3);
});

test('breaker: retries stop at an open circuit', async (t) => {
  const { server, state } = await flaky(t);
  const breaker = new CircuitBreaker({ trip: { consecutiveFailures: 2 } });
  const session = openSession(t, {
    baseURL: server.origin,
    retry: { limit: 5, baseDelay: 0 },
    policies: [breaker],
  });
  await assert.rejects(session.get('/'), CircuitOpenError);
  assert.equal(state.hits, 2);
});

test('breaker: a listener that throws does not fail the request', async (t) => {
  const { server } = await flaky(t);
  const warned = expectWarning(t, 'FANOUT_LISTENER_ERROR');
  const breaker = new CircuitBreaker({
    trip: { consecutiveFailures: 1 },
    onStateChange: () => {
      throw new Error('listener bug');
    },
  });
  const session = openSession(t, { baseURL: server.origin, retry: false, policies: [breaker] });
  assert.equal((await session.get('/')).status, 503);
  assert.match((await warned).message, /onStateChange listener threw: Error: listener bug/);
});

test('breaker: bad options are refused with InvalidOptionError', () => {
  for (const options of [
    { trip: 3 },
    { trip: {} },
    { trip: { consecutiveFailures: 0 } },
    { trip: { failureRatio: 1.5 } },
    { trip: { failureRatio: 0.5, minimumThroughput: 0 } },
    { trip: { failureRatio: 0.5, window: -1 } },
    { openFor: 0 },
    { halfOpenProbes: 0.5 },
    { isFailure: 'yes' },
    { onStateChange: 1 },
    { enabled: 1 },
    { origins: 'http://x' },
    { origins: ['not a url'] },
    { origins: ['ftp://x'] },
    { origins: [7] },
  ]) {
    assert.throws(
      () => new CircuitBreaker(options as never),
      InvalidOptionError,
      JSON.stringify(options),
    );
  }
  assert.throws(() => new CircuitBreaker().onStateChange(5 as never), InvalidOptionError);
});
