import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mock, test } from 'node:test';
import { Hedging, InvalidOptionError, Trace } from '../../src/index.ts';
import { LatencyWindow } from '../../src/resilience/latency-window.ts';
import { type Deferred, deferred, startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

/**
 * A replica set behind one origin: request n (from 1) is held until `held[n]` resolves when one
 * is given; every other answers at once with its number. `arrived[n]` resolves when request n
 * arrives, `closed[n]` when its socket closes.
 */
async function replicas(t: Parameters<typeof startServer>[0], holds: number[]) {
  const held = new Map<number, Deferred<void>>(holds.map((n) => [n, deferred()]));
  const arrived = [0, 1, 2, 3].map(() => deferred());
  const closed = [0, 1, 2, 3].map(() => deferred());
  let hits = 0;
  const server = await startServer(
    t,
    async (request: IncomingMessage, response: ServerResponse) => {
      const n = ++hits;
      request.socket.once('close', () => closed[n]?.resolve());
      arrived[n]?.resolve();
      await held.get(n)?.promise;
      response.end(String(n));
    },
  );
  t.after(() => {
    for (const hold of held.values()) hold.resolve();
  });
  return { server, held, arrived, closed, hits: () => hits };
}

function fakeTimers(t: { after(fn: () => void): void }) {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
}

test('hedging: a slow first copy gets a second after the delay; the first answer wins', {
  timeout: 10_000,
}, async (t) => {
  const { server, arrived, closed, hits } = await replicas(t, [1]);
  const session = openSession(t, {
    baseURL: server.origin,
    policies: [new Hedging({ delay: 40, budget: 1 })],
  });
  fakeTimers(t);
  const trace = new Trace();
  const pending = trace.run(() => session.get('/'));
  await arrived[1]?.promise;
  mock.timers.tick(39);
  assert.equal(hits(), 1);
  mock.timers.tick(1);
  const response = await pending;
  assert.equal(response.text, '2');
  // The loser's socket is closed, and it is marked cancelled (not failed) in the trace.
  await closed[1]?.promise;
  const [record] = trace.requests;
  assert.equal(record?.outcome, 'ok');
  assert.deepEqual(
    record?.attempts.map(({ role, outcome, errorCode }) => ({ role, outcome, errorCode })),
    [
      { role: undefined, outcome: 'cancelled', errorCode: 'FANOUT_CANCELLED' },
      { role: 'hedge', outcome: 'ok', errorCode: undefined },
    ],
  );
  assert.deepEqual(
    record?.events.map(({ policy, type, detail }) => ({ policy, type, detail })),
    [{ policy: 'hedge', type: 'hedge-sent', detail: { delay: 40 } }],
  );
  assert.deepEqual(
    trace.toHAR().log.entries.map(({ _role, _outcome }) => ({ _role, _outcome })),
    [
      { _role: undefined, _outcome: 'cancelled' },
      { _role: 'hedge', _outcome: 'ok' },
    ],
  );
});

test('hedging: a copy that answers before the delay is never hedged', {
  timeout: 10_000,
}, async (t) => {
  const { server, hits } = await replicas(t, []);
  const session = openSession(t, {
    baseURL: server.origin,
    policies: [new Hedging({ delay: 40, budget: 1 })],
  });
  fakeTimers(t);
  assert.equal((await session.get('/')).text, '1');
  mock.timers.tick(1_000);
  assert.equal(hits(), 1);
});

test('hedging: the first copy can still win; then the hedge is cancelled', {
  timeout: 10_000,
}, async (t) => {
  const { server, held, arrived, closed } = await replicas(t, [1, 2]);
  const session = openSession(t, {
    baseURL: server.origin,
    policies: [new Hedging({ delay: 10, budget: 1 })],
  });
  fakeTimers(t);
  const pending = session.get('/');
  await arrived[1]?.promise;
  mock.timers.tick(10);
  await arrived[2]?.promise;
  held.get(1)?.resolve();
  assert.equal((await pending).text, '1');
  await closed[2]?.promise;
});

test('hedging: non-idempotent methods and a switched-off policy send once', {
  timeout: 10_000,
}, async (t) => {
  const { server, arrived, held, hits } = await replicas(t, [1, 2]);
  const hedging = new Hedging({ delay: 10, budget: 1 });
  const session = openSession(t, { baseURL: server.origin, policies: [hedging] });
  fakeTimers(t);
  const post = session.post('/', { body: 'x' });
  await arrived[1]?.promise;
  mock.timers.tick(100);
  held.get(1)?.resolve();
  assert.equal((await post).text, '1');
  hedging.enabled = false;
  const get = session.get('/');
  await arrived[2]?.promise;
  mock.timers.tick(100);
  held.get(2)?.resolve();
  assert.equal((await get).text, '2');
  assert.equal(hits(), 2);
});

test('hedging: `origins` limits it to those origins', { timeout: 10_000 }, async (t) => {
  const { server, arrived, held, hits } = await replicas(t, [1]);
  const session = openSession(t, {
    baseURL: server.origin,
    policies: [new Hedging({ delay: 10, budget: 1, origins: ['http://127.0.0.1:1'] })],
  });
  fakeTimers(t);
  const pending = session.get('/');
  await arrived[1]?.promise;
  mock.timers.tick(100);
  held.get(1)?.resolve();
  assert.equal((await pending).text, '1');
  assert.equal(hits(), 1);
});

test('hedging: the budget caps extra copies; a denied hedge is marked in the trace', {
  timeout: 10_000,
}, async (t) => {
  const { server, arrived, held, hits } = await replicas(t, [1]);
  // 5 % of one attempt is no room for a hedge.
  const session = openSession(t, {
    baseURL: server.origin,
    policies: [new Hedging({ delay: 10, budget: 0.05 })],
  });
  fakeTimers(t);
  const trace = new Trace();
  const pending = trace.run(() => session.get('/'));
  await arrived[1]?.promise;
  mock.timers.tick(10);
  held.get(1)?.resolve();
  assert.equal((await pending).text, '1');
  assert.equal(hits(), 1);
  assert.equal(trace.requests[0]?.events[0]?.type, 'hedge-denied');
});

test('hedging: an error of one copy waits for the other', { timeout: 10_000 }, async (t) => {
  let hits = 0;
  const hedgeArrived = deferred();
  const firstArrived = deferred();
  const server = await startServer(t, (request, response) => {
    hits++;
    if (hits === 1) {
      firstArrived.resolve();
      return;
    }
    hedgeArrived.resolve();
    response.end('hedge');
    void request;
  });
  const session = openSession(t, {
    baseURL: server.origin,
    retry: false,
    policies: [new Hedging({ delay: 10, budget: 1 })],
  });
  fakeTimers(t);
  const pending = session.get('/');
  await firstArrived.promise;
  mock.timers.tick(10);
  await hedgeArrived.promise;
  for (const socket of server.sockets) if (socket.bytesWritten === 0) socket.destroy();
  assert.equal((await pending).text, 'hedge');
});

test('hedging: a stop (the caller cancels) cancels both copies', { timeout: 10_000 }, async (t) => {
  const { server, arrived, closed } = await replicas(t, [1, 2]);
  const session = openSession(t, {
    baseURL: server.origin,
    policies: [new Hedging({ delay: 10, budget: 1 })],
  });
  fakeTimers(t);
  const controller = new AbortController();
  const pending = session.get('/', { signal: controller.signal }).catch((e: unknown) => e);
  await arrived[1]?.promise;
  mock.timers.tick(10);
  await arrived[2]?.promise;
  controller.abort();
  assert.equal(((await pending) as Error).name, 'CancelledError');
  await Promise.all([closed[1]?.promise, closed[2]?.promise]);
});

test('hedging: with a percentile, the delay follows the origin’s recent latency', () => {
  const window = new LatencyWindow(0.95, 100, 10);
  assert.equal(window.estimate, undefined);
  for (let ms = 1; ms <= 100; ms++) window.add(ms);
  assert.equal(window.estimate, 95);
  for (let i = 0; i < 100; i++) window.add(1_000);
  assert.equal(window.estimate, 1_000);
  assert.equal(new Hedging({ percentile: 0.95, delay: 7 }).delayFor('http://x'), 7);
});

test('hedging: bad options are refused with InvalidOptionError', () => {
  for (const options of [
    { delay: -1 },
    { delay: '5' },
    { percentile: 1 },
    { percentile: 0 },
    { budget: Number.NaN },
    { window: 0 },
    { methods: 'GET' },
    { methods: [1] },
    { enabled: null },
    { origins: [null] },
  ]) {
    assert.throws(() => new Hedging(options as never), InvalidOptionError, JSON.stringify(options));
  }
});
