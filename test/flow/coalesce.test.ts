import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { CookieJar } from 'tough-cookie';
import {
  CancelledError,
  CoalesceScope,
  ConnectionError,
  coalesce,
  FuturesSession,
  InvalidOptionError,
  type Response,
  Session,
  SessionClosedError,
  type SessionOptions,
  Trace,
  withDeadline,
} from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';
import { countingServer } from './fixtures.ts';

function openFutures(t: { after(fn: () => unknown): void }, options = {}): FuturesSession {
  const session = new FuturesSession(options);
  t.after(() => session.close());
  return session;
}

/** Runs `calls` while the server holds requests, then releases it and awaits every call. */
async function whileHeld<T>(
  server: Awaited<ReturnType<typeof countingServer>>,
  calls: () => readonly PromiseLike<T>[],
): Promise<T[]> {
  const pending = calls();
  await server.arrived(1);
  server.release();
  return Promise.all(pending);
}

test('N identical GETs of a coalescing session go over the wire once', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  const responses = await whileHeld(server, () =>
    Array.from({ length: 5 }, () => session.get('/item', { params: { id: 7 } })),
  );
  assert.equal(server.arrivals.length, 1);
  for (const response of responses) {
    assert.equal(response.status, 200);
    assert.deepEqual(response.json(), { url: '/item?id=7', seq: 1 });
  }
});

test('without coalescing the same calls each go out (control)', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin });
  const calls = [session.get('/item'), session.get('/item')];
  await server.arrived(2);
  server.release();
  await Promise.all(calls);
  assert.equal(server.arrivals.length, 2);
});

test('every caller gets its own Response: separate objects, parsing and changes', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  const [a, b, c] = (await whileHeld(server, () => [
    session.get('/item'),
    session.get('/item'),
    session.get('/item'),
  ])) as [Response, Response, Response];
  assert.equal(server.arrivals.length, 1);
  assert.notEqual(a, b);
  assert.notEqual(b, c);
  const parsed = a.json<{ seq: number }>();
  parsed.seq = 99;
  assert.equal(b.json<{ seq: number }>().seq, 1);
  (b.content as Uint8Array)[0] = 0x5b; // '['
  assert.equal(c.text.startsWith('{'), true);
  (c.headers as Record<string, unknown>)['x-seq'] = 'changed';
  assert.equal(a.headers['x-seq'], '1');
  c.request.headers['x-mine'] = '1';
  assert.equal(a.request.headers['x-mine'], undefined);
  assert.equal(b.content[0], 0x5b);
});

test('calls made after the response arrived go out again: nothing is cached', async (t) => {
  const server = await countingServer(t);
  server.release();
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  assert.equal((await session.get('/item')).json<{ seq: number }>().seq, 1);
  assert.equal((await session.get('/item')).json<{ seq: number }>().seq, 2);
});

test('HEAD coalesces; POST, streamed calls, auth functions and beforeRequest hooks never do', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  const sign = ({ request }: { request: { headers: Record<string, string> } }) => {
    request.headers.authorization = 'Bearer signed';
  };
  const pending = [
    session.head('/h'),
    session.head('/h'),
    session.post('/p'),
    session.post('/p'),
    session.get('/s', { stream: true }),
    session.get('/s', { stream: true }),
    session.get('/f', { auth: sign }),
    session.get('/f', { auth: sign }),
    session.get('/k', { hooks: { beforeRequest: [() => {}] } }),
    session.get('/k', { hooks: { beforeRequest: [() => {}] } }),
  ];
  await server.arrived(9);
  server.release();
  for (const response of await Promise.all(pending)) response.body?.resume();
  const count = (path: string) => server.arrivals.filter((a) => a.url === path).length;
  assert.deepEqual(['/h', '/p', '/s', '/f', '/k'].map(count), [1, 2, 2, 2, 2]);
});

test('different Authorization, auth option or headers: separate requests', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  const pending = [
    session.get('/x', { auth: { bearer: 'alice' } }),
    session.get('/x', { auth: { bearer: 'bob' } }),
    session.get('/x', { auth: { username: 'alice', password: 'pw' } }),
    session.get('/x', { headers: { authorization: 'Bearer carol' } }),
    session.get('/x', { headers: { 'accept-language': 'fr' } }),
    session.get('/x'),
    session.get('/x', { auth: { bearer: 'alice' } }),
  ];
  await server.arrived(6);
  server.release();
  await Promise.all(pending);
  const seen = server.arrivals.map((a) => a.headers.authorization ?? a.headers['accept-language']);
  assert.equal(server.arrivals.length, 6);
  assert.deepEqual(new Set(seen).size, 6);
});

test('different cookies (the jar, the cookies option) or sessions: separate requests', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  const other = openSession(t, { baseURL: server.origin, coalesce: true });
  const before = session.get('/x');
  await server.arrived(1);
  session.cookies?.set(server.origin, 'sid=alice');
  const withJar = session.get('/x');
  const withOption = session.get('/x', { cookies: { sid: 'bob' } });
  const otherSession = other.get('/x');
  await server.arrived(4);
  server.release();
  await Promise.all([before, withJar, withOption, otherSession]);
  // The option's cookie replaces the jar's of the same name.
  assert.deepEqual(server.arrivals.map((a) => a.headers.cookie ?? '-').sort(), [
    '-',
    '-',
    'sid=alice',
    'sid=bob',
  ]);
});

test('sessions with different jars never share a call, even in one scope', async (t) => {
  const server = await countingServer(t);
  const alice = openSession(t, { baseURL: server.origin, cookieJar: new CookieJar() });
  const bob = openSession(t, { baseURL: server.origin, cookieJar: new CookieJar() });
  alice.cookies?.set(server.origin, 'sid=alice');
  bob.cookies?.set(server.origin, 'sid=bob');
  const responses = await coalesce(() => {
    const pending = [alice.get('/x'), bob.get('/x'), alice.get('/x')];
    return server.arrived(2).then(() => {
      server.release();
      return Promise.all(pending);
    });
  });
  assert.deepEqual(server.arrivals.map((a) => a.headers.cookie).sort(), ['sid=alice', 'sid=bob']);
  assert.equal(responses.length, 3);
});

test('in one scope, two sessions never share a call', async (t) => {
  const server = await countingServer(t);
  const first = openSession(t, { baseURL: server.origin });
  const second = openSession(t, { baseURL: server.origin });
  const page = new CoalesceScope();
  const calls = page.run(() => [first.get('/x'), second.get('/x'), first.get('/x')]);
  assert.equal(page.inFlight, 2);
  await server.arrived(2);
  server.release();
  await Promise.all(calls);
  assert.equal(server.arrivals.length, 2);
});

test('a caller whose signal aborts leaves; the others still get the response', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  const abort = new AbortController();
  const leaving = session.get('/x', { signal: abort.signal });
  const staying = session.get('/x');
  await server.arrived(1);
  abort.abort();
  await assert.rejects(leaving, CancelledError);
  server.release();
  assert.equal((await staying).status, 200);
  assert.equal(server.arrivals.length, 1);
});

test('the wire request is aborted only when every caller has gone', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  const first = new AbortController();
  const second = new AbortController();
  const calls = [
    session.get('/x', { signal: first.signal }),
    session.get('/x', { signal: second.signal }),
  ];
  await server.arrived(1);
  first.abort();
  second.abort();
  for (const call of calls) await assert.rejects(call, CancelledError);
  await server.arrivals[0]?.socketClosed;
  // The key is free again: the next identical call starts a new request.
  const again = session.get('/x');
  await server.arrived(2);
  server.release();
  assert.equal((await again).status, 200);
});

test('callers of a shared call with one signal add one listener to it, not one each', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  const abort = new AbortController();
  const calls = Array.from({ length: 12 }, () => session.get('/x', { signal: abort.signal }));
  await server.arrived(1);
  assert.equal(getEventListeners(abort.signal, 'abort').length, 1);
  server.release();
  for (const call of calls) assert.equal((await call).status, 200);
  assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
});

test('an already aborted signal fails that caller without joining', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  await assert.rejects(session.get('/x', { signal: AbortSignal.abort() }), CancelledError);
  assert.equal(server.arrivals.length, 0);
});

test('an error reaches every caller', async (t) => {
  let requests = 0;
  const server = await startServer(t, (request) => {
    requests++;
    request.socket.destroy();
  });
  const session = openSession(t, { baseURL: server.origin, coalesce: true, retry: false });
  const outcomes = await Promise.allSettled([session.get('/x'), session.get('/x')]);
  assert.equal(requests, 1);
  for (const outcome of outcomes) {
    assert.equal(outcome.status, 'rejected');
    assert.ok(outcome.status === 'rejected' && outcome.reason instanceof ConnectionError);
  }
});

test('the shared unit is the whole call: retries and redirects happen once', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, {
    baseURL: server.origin,
    coalesce: true,
    retry: { limit: 1, baseDelay: 1 },
  });
  const retried = await whileHeld(server, () => [session.get('/flaky'), session.get('/flaky')]);
  const redirected = await Promise.all([session.get('/redirect'), session.get('/redirect')]);
  assert.deepEqual(
    server.arrivals.map((a) => a.url),
    ['/flaky', '/flaky', '/redirect', '/target'],
  );
  assert.deepEqual(
    retried.map((r) => r.status),
    [200, 200],
  );
  const [a, b] = redirected as [Response, Response];
  assert.equal(a.url, `${server.origin}/target`);
  assert.equal(b.history.length, 1);
  assert.notEqual(a.history[0], b.history[0]);
});

test('calls under one deadline coalesce; under different deadlines they do not', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  const page = withDeadline(10_000, () => [session.get('/x'), session.get('/x')]);
  const otherPage = withDeadline(20_000, () => session.get('/x'));
  await server.arrived(2);
  server.release();
  await Promise.all([...page, otherPage]);
  assert.equal(server.arrivals.length, 2);
});

test('closing the session fails every caller of a shared call', async (t) => {
  const server = await countingServer(t);
  const session = new Session({ baseURL: server.origin, coalesce: true });
  const calls = [session.get('/x'), session.get('/x')];
  await server.arrived(1);
  await session.close();
  for (const call of calls) await assert.rejects(call, SessionClosedError);
  assert.equal(server.arrivals.length, 1);
});

test('a session option of the wrong type is an InvalidOptionError', () => {
  assert.throws(
    () => new Session({ coalesce: 'yes' } as unknown as SessionOptions),
    (error: unknown) =>
      error instanceof InvalidOptionError && /`coalesce`.*boolean.*"yes"/.test(error.message),
  );
});

test('bad arguments are InvalidOptionErrors: a scope without a function, a bad priority', async (t) => {
  assert.throws(
    () => coalesce(5 as unknown as () => void),
    (error: unknown) =>
      error instanceof InvalidOptionError && /`fn`.*a function/.test(error.message),
  );
  const session = openFutures(t, { baseURL: 'http://127.0.0.1:9', coalesce: true });
  const error = await session.get('/x', { priority: Number.NaN }).exception();
  assert.ok(error instanceof InvalidOptionError);
  const signal = await session.get('/x', { signal: {} as AbortSignal }).exception();
  assert.ok(signal instanceof InvalidOptionError);
});

test('a scope coalesces only the calls made inside it', async (t) => {
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin });
  const page = new CoalesceScope();
  const inside = page.run(() => [session.get('/x'), session.get('/x')]);
  assert.equal(page.inFlight, 1);
  const outside = session.get('/x');
  const otherPage = coalesce(() => session.get('/x'));
  await server.arrived(3);
  server.release();
  await Promise.all([...inside, outside, otherPage]);
  assert.equal(server.arrivals.length, 3);
  assert.equal(page.inFlight, 0);
});

test('a scope follows async work it starts', async (t) => {
  const server = await countingServer(t);
  server.release();
  const session = openSession(t, { baseURL: server.origin });
  const gate = Promise.resolve();
  const responses = await coalesce(async () => {
    const first = session.get('/x');
    await gate;
    const second = session.get('/x');
    return Promise.all([first, second]);
  });
  assert.equal(server.arrivals.length, 1);
  assert.notEqual(responses[0], responses[1]);
});

test('FuturesSession: identical futures share one request and one worker', async (t) => {
  const server = await countingServer(t);
  const session = openFutures(t, { baseURL: server.origin, coalesce: true });
  const futures = Array.from({ length: 4 }, () => session.get('/x'));
  await server.arrived(1);
  assert.equal(session.executor.active, 1);
  server.release();
  const responses = await Promise.all(futures);
  assert.equal(server.arrivals.length, 1);
  assert.equal(new Set(responses).size, 4);
});

test('FuturesSession: cancelling one future leaves the shared request to the others', async (t) => {
  const server = await countingServer(t);
  const session = openFutures(t, { baseURL: server.origin, coalesce: true });
  const abort = new AbortController();
  const [cancelled, bySignal, kept] = [
    session.get('/x'),
    session.get('/x', { signal: abort.signal }),
    session.get('/x'),
  ];
  await server.arrived(1);
  assert.equal(cancelled.cancel(), true);
  abort.abort();
  assert.equal(bySignal.cancelled(), true);
  await assert.rejects(cancelled.result(), CancelledError);
  server.release();
  assert.equal((await kept).status, 200);
  assert.equal(server.arrivals.length, 1);
});

test('FuturesSession: cancelling every future aborts the wire request', async (t) => {
  const server = await countingServer(t);
  const session = openFutures(t, { baseURL: server.origin, coalesce: true });
  const futures = [session.get('/x'), session.get('/x')];
  await server.arrived(1);
  for (const future of futures) future.cancel();
  await server.arrivals[0]?.socketClosed;
  await session.executor.onIdle();
  assert.equal(session.executor.completed, 1);
});

test('FuturesSession: a scope is taken from where the call is made', async (t) => {
  const server = await countingServer(t);
  const session = openFutures(t, { baseURL: server.origin, maxWorkers: 1 });
  const blocker = session.get('/blocker');
  const [a, b] = coalesce(() => [session.get('/x'), session.get('/x')]);
  await server.arrived(1);
  server.release();
  await Promise.all([blocker, a, b]);
  assert.deepEqual(
    server.arrivals.map((arrival) => arrival.url),
    ['/blocker', '/x'],
  );
});

test('shared calls whose callers all left, or failed, leave no unhandled rejection', async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));
  const server = await countingServer(t);
  const session = openSession(t, { baseURL: server.origin, coalesce: true });
  const futures = openFutures(t, { baseURL: server.origin, coalesce: true });
  const abort = new AbortController();
  session.get('/a', { signal: abort.signal }).catch(() => {});
  const unawaited = [futures.get('/b'), futures.get('/b')];
  await server.arrived(2);
  abort.abort();
  for (const future of unawaited) future.cancel();
  await Promise.all(server.arrivals.map((arrival) => arrival.socketClosed));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(unhandled, []);
});

test('a traced shared call is one request, asked for by the caller that started it', async (t) => {
  const server = await countingServer(t);
  const session = openFutures(t, { baseURL: server.origin, coalesce: true });
  const trace = new Trace();
  const [leader, follower] = trace.run(() => [session.get('/x'), session.get('/x')]);
  await server.arrived(1);
  assert.equal(trace.requests[0]?.askedAt, undefined);
  const waited = leader.result();
  assert.notEqual(trace.requests[0]?.askedAt, undefined);
  server.release();
  await Promise.all([waited, follower]);
  assert.equal(trace.requests.length, 1);
});
