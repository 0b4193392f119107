import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import {
  FuturesSession,
  InvalidOptionError,
  remainingTime,
  TimeoutError,
  withDeadline,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

test('deadline: a request made after the deadline passed fails at once, unsent', async (t) => {
  let hits = 0;
  const server = await startServer(t, (_request, response) => {
    hits++;
    response.end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const error = await withDeadline(0, () => session.get('/')).catch((e: unknown) => e);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.phase, 'deadline');
  assert.match(error.message, /deadline.*GET http:\/\/127\.0\.0\.1:\d+\//);
  const past = await session.get('/', { deadline: new Date(Date.now() - 1) }).catch((e) => e);
  assert.ok(past instanceof TimeoutError);
  assert.equal(past.phase, 'deadline');
  assert.equal(hits, 0);
});

test('deadline: the context budget ends a slow request with phase deadline', {
  timeout: 10_000,
}, async (t) => {
  const arrived = deferred();
  const closed = deferred();
  const server = await startServer(t, (request) => {
    request.socket.once('close', () => closed.resolve());
    arrived.resolve();
  });
  const session = openSession(t, { baseURL: server.origin, timeout: 60_000 });
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const pending = withDeadline(5_000, () => session.get('/')).catch((e: unknown) => e);
  await arrived.promise;
  mock.timers.tick(5_000);
  const error = await pending;
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.phase, 'deadline');
  assert.ok(error.timeout <= 5_000 && error.timeout > 4_000, String(error.timeout));
  await closed.promise;
});

test('deadline: the own total timeout wins when it is sooner', { timeout: 10_000 }, async (t) => {
  const arrived = deferred();
  const server = await startServer(t, () => arrived.resolve());
  const session = openSession(t, { baseURL: server.origin, timeout: 1_000 });
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const pending = session.get('/', { deadline: 50_000 }).catch((e: unknown) => e);
  await arrived.promise;
  mock.timers.tick(1_000);
  const error = await pending;
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.phase, 'total');
});

test('deadline: one far in the future (beyond setTimeout’s range) does not fire early', async (t) => {
  const server = await startServer(t, (_request, response) => void response.end('late enough'));
  const session = openSession(t, { baseURL: server.origin, timeout: { total: false } });
  const far = new Date(Date.now() + 100 * 24 * 3_600_000);
  assert.equal((await session.get('/', { deadline: far })).text, 'late enough');
  const response = await withDeadline(far, () => session.get('/'));
  assert.equal(response.status, 200);
});

test('deadline: nested scopes only shorten it; remainingTime reports it', () => {
  assert.equal(remainingTime(), undefined);
  withDeadline(1_000, () => {
    const outer = remainingTime() ?? Number.NaN;
    assert.ok(outer <= 1_000 && outer > 900);
    withDeadline(60_000, () => assert.ok((remainingTime() ?? Number.NaN) <= 1_000));
    withDeadline(10, () => assert.ok((remainingTime() ?? Number.NaN) <= 10));
  });
  withDeadline(new Date(Date.now() - 1_000), () => assert.equal(remainingTime(), 0));
});

test('deadline: a FuturesSession captures the deadline at submit, queueing counts', {
  timeout: 10_000,
}, async (t) => {
  const release = deferred();
  const server = await startServer(t, async (_request, response) => {
    await release.promise;
    response.end();
  });
  const session = new FuturesSession({ baseURL: server.origin, maxWorkers: 1 });
  t.after(() => session.close());
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const first = session.get('/first');
  // Queued behind `first`: its deadline is already running.
  const second = withDeadline(0, () => session.get('/second'));
  release.resolve();
  assert.equal((await first).status, 200);
  const error = await second.exception();
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.phase, 'deadline');
});

test('deadline: bad budgets and functions are refused with InvalidOptionError', async (t) => {
  const session = openSession(t);
  for (const budget of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5', new Date('nope'), null]) {
    assert.throws(() => withDeadline(budget as never, () => 0), InvalidOptionError);
    await assert.rejects(
      session.get('http://127.0.0.1:1/', { deadline: budget as never }),
      InvalidOptionError,
    );
  }
  assert.throws(() => withDeadline(10, 'x' as never), InvalidOptionError);
});
