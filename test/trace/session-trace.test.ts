import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  currentTrace,
  FuturesSession,
  InvalidOptionError,
  type Session,
  Trace,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { type Equal, expectTrue } from '../helpers/types.ts';
import { openSession } from '../http/fixtures.ts';

test('session.trace runs fn in a new trace that records its requests and ends with it', async (t) => {
  const server = await startServer(t, (request, response) => {
    request.resume();
    response.end(request.url);
  });
  const session = openSession(t, { baseURL: server.origin });
  let inside: Trace | undefined;
  const text = await session.trace(
    async (trace) => {
      inside = trace;
      assert.equal(currentTrace(), trace);
      const first = await session.get('/one');
      const second = await session.get('/two');
      return `${first.text}+${second.text}`;
    },
    { name: 'home page' },
  );
  assert.equal(text, '/one+/two');
  assert.ok(inside instanceof Trace);
  assert.equal(inside.name, 'home page');
  assert.deepEqual(
    inside.requests.map((record) => new URL(record.url).pathname),
    ['/one', '/two'],
  );
  const wall = inside.wallTime;
  await session.get('/after');
  assert.equal(inside.wallTime, wall, 'the trace ended when fn settled');
  assert.equal(inside.requests.length, 2, 'a request after fn is not in the trace');
  assert.equal(currentTrace(), undefined);
});

test('FuturesSession.trace records the futures and how long fn was blocked on them', async (t) => {
  const release = deferred();
  const server = await startServer(t, async (request, response) => {
    request.resume();
    await release.promise;
    response.end('ok');
  });
  const session = new FuturesSession({ baseURL: server.origin });
  t.after(() => session.close());
  let traced: Trace | undefined;
  await session.trace(async (trace) => {
    traced = trace;
    const user = session.get('/user');
    setImmediate(() => release.resolve());
    assert.equal((await user).status, 200);
  });
  const summary = traced?.summary();
  assert.equal(summary?.requests, 1);
  assert.ok((summary?.blocked ?? 0) > 0, 'fn waited for the response: blocked time recorded');
});

test('session.trace ends the trace and rethrows when fn fails', async (t) => {
  const session = openSession(t);
  let traced: Trace | undefined;
  const failure = new Error('render failed');
  await assert.rejects(
    session.trace((trace) => {
      traced = trace;
      throw failure;
    }),
    failure,
  );
  const wall = traced?.wallTime;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(traced?.wallTime, wall);
});

test('concurrent session.trace calls keep their requests apart', async (t) => {
  const bothArrived = [deferred(), deferred()];
  const server = await startServer(t, async (request, response) => {
    request.resume();
    bothArrived[request.url === '/a' ? 0 : 1]?.resolve();
    await Promise.all(bothArrived.map((arrival) => arrival.promise));
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin });
  const traces: Trace[] = [];
  await Promise.all(
    ['/a', '/b'].map((path) =>
      session.trace(async (trace) => {
        traces.push(trace);
        await session.get(path);
      }),
    ),
  );
  assert.deepEqual(
    traces.map((trace) => trace.requests.map((record) => new URL(record.url).pathname)),
    [['/a'], ['/b']],
  );
});

test('session.trace without a function is an InvalidOptionError', async (t) => {
  const session = openSession(t);
  await assert.rejects(
    session.trace('render' as unknown as () => void),
    (error: unknown) =>
      error instanceof InvalidOptionError &&
      error.message === 'Expected `fn` to be a function, got "render" (string)',
  );
});

test('session.trace resolves with the awaited value of fn (type test)', () => {
  expectTrue<Equal<Awaited<ReturnType<typeof call>>, number>>();
  function call(session: Session) {
    return session.trace(async () => 42);
  }
});
