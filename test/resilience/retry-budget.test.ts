import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { InvalidOptionError, RetryBudget, Trace } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

/** A server in a 503 storm: every answer is a 503. Counts the requests it got. */
async function storm(t: Parameters<typeof startServer>[0]) {
  const state = { hits: 0 };
  const server = await startServer(t, (_request, response) => {
    state.hits++;
    response.writeHead(503).end();
  });
  return { server, state };
}

const RETRY = { limit: 2, baseDelay: 0 };

test('retry budget: a 503 storm adds at most 10 % load; without it retries triple it', async (t) => {
  const { server, state } = await storm(t);
  const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 0 });
  const guarded = openSession(t, { baseURL: server.origin, retry: RETRY, policies: [budget] });
  for (let i = 0; i < 50; i++) assert.equal((await guarded.get('/')).status, 503);
  assert.equal(state.hits, 55);
  assert.deepEqual(budget.stats(server.origin), { calls: 50, retries: 5, available: 0 });

  state.hits = 0;
  const unguarded = openSession(t, { baseURL: server.origin, retry: RETRY });
  for (let i = 0; i < 50; i++) await unguarded.get('/');
  assert.equal(state.hits, 150);
});

test('retry budget: switched off, every retry the rules allow happens', async (t) => {
  const { server, state } = await storm(t);
  const budget = new RetryBudget({ minPerSecond: 0, enabled: false });
  const session = openSession(t, { baseURL: server.origin, retry: RETRY, policies: [budget] });
  for (let i = 0; i < 10; i++) await session.get('/');
  assert.equal(state.hits, 30);
  budget.enabled = true;
  for (let i = 0; i < 10; i++) await session.get('/');
  assert.equal(state.hits, 30 + 10 + 1);
});

test('retry budget: a denied retry fails fast with the outcome, marked in the trace', async (t) => {
  const { server, state } = await storm(t);
  const session = openSession(t, {
    baseURL: server.origin,
    retry: RETRY,
    policies: [new RetryBudget({ minPerSecond: 0 })],
  });
  const trace = new Trace();
  const response = await trace.run(() => session.get('/'));
  assert.equal(response.status, 503);
  assert.equal(state.hits, 1);
  const [record] = trace.requests;
  assert.equal(record?.attempts.length, 1);
  assert.deepEqual(
    record?.events.map(({ policy, type, origin }) => ({ policy, type, origin })),
    [{ policy: 'retry-budget', type: 'retry-denied', origin: server.origin }],
  );
});

test('retry budget: the floor lets a quiet client retry; it refills as the window slides', {
  timeout: 10_000,
}, async (t) => {
  const { server, state } = await storm(t);
  mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());
  // A floor of 0.2/s over 10 s: two retries per window, however few calls.
  const budget = new RetryBudget({ minPerSecond: 0.2, window: 10_000 });
  const session = openSession(t, { baseURL: server.origin, retry: RETRY, policies: [budget] });
  await session.get('/');
  assert.equal(state.hits, 3);
  await session.get('/');
  assert.equal(state.hits, 4);
  mock.timers.tick(10_000);
  assert.equal(budget.stats(server.origin).available, 2);
  await session.get('/');
  assert.equal(state.hits, 7);
});

test('retry budget: per origin — one origin spending its budget leaves another alone', async (t) => {
  const a = await storm(t);
  const b = await storm(t);
  const budget = new RetryBudget({ minPerSecond: 0.1, window: 10_000 });
  const session = openSession(t, { retry: RETRY, policies: [budget] });
  await session.get(`${a.server.origin}/`);
  await session.get(`${a.server.origin}/`);
  await session.get(`${b.server.origin}/`);
  assert.equal(a.state.hits, 2 + 1);
  assert.equal(b.state.hits, 2);
});

test('retry budget: `origins` limits it to those origins', async (t) => {
  const a = await storm(t);
  const b = await storm(t);
  const budget = new RetryBudget({ minPerSecond: 0, origins: [new URL(a.server.origin)] });
  const session = openSession(t, { retry: RETRY, policies: [budget] });
  await session.get(`${a.server.origin}/`);
  await session.get(`${b.server.origin}/`);
  assert.equal(a.state.hits, 1);
  assert.equal(b.state.hits, 3);
});

test('retry budget: bad options are refused with InvalidOptionError', () => {
  for (const options of [
    { ratio: -0.1 },
    { ratio: 'x' },
    { minPerSecond: Number.NaN },
    { window: 0 },
    { enabled: 'yes' },
    { origins: ['//x'] },
  ]) {
    assert.throws(
      () => new RetryBudget(options as never),
      InvalidOptionError,
      JSON.stringify(options),
    );
  }
  assert.throws(() => new RetryBudget(null as never), InvalidOptionError);
});
