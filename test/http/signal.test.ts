import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { CancelledError, FuturesSession, InvalidOptionError } from '../../src/index.ts';
import { deferred, startCountingServer, startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

test('an aborted signal fails the call before anything is sent', async (t) => {
  let connections = 0;
  const server = await startServer(t, (_request, response) => {
    response.end();
  });
  server.server.on('connection', () => connections++);
  const session = openSession(t, { baseURL: server.origin });
  const reason = new Error('not needed any more');
  const error = await session
    .get('/', { signal: AbortSignal.abort(reason) })
    .catch((e: unknown) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.cause, reason);
  assert.match(error.message, /GET http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(connections, 0);
});

test('aborting while waiting for the response cancels it and releases the socket', {
  timeout: 10_000,
}, async (t) => {
  const received = deferred();
  const closed = deferred();
  const server = await startServer(t, (request) => {
    request.socket.once('close', () => closed.resolve());
    received.resolve();
  });
  const session = openSession(t, { baseURL: server.origin });
  const abort = new AbortController();
  const call = session.get('/', { signal: abort.signal });
  await received.promise;
  abort.abort();
  await assert.rejects(call, CancelledError);
  await closed.promise;
});

test('aborting during the backoff ends the call at once', { timeout: 5_000 }, async (t) => {
  let hits = 0;
  const server = await startServer(t, (_request, response) => {
    hits++;
    response.writeHead(503, { 'retry-after': '20' }).end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const abort = new AbortController();
  const retrying = deferred();
  const call = session.get('/', {
    signal: abort.signal,
    hooks: { beforeRetry: [() => retrying.resolve()] },
  });
  const rejected = assert.rejects(call, CancelledError);
  await retrying.promise;
  await new Promise((resolve) => setImmediate(resolve));
  abort.abort();
  await rejected;
  assert.equal(hits, 1);
});

test('aborting between redirects stops following', async (t) => {
  const abort = new AbortController();
  const urls: string[] = [];
  const server = await startServer(t, (request, response) => {
    urls.push(request.url ?? '');
    response.writeHead(302, { location: '/next' }).end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const call = session.get('/first', {
    signal: abort.signal,
    hooks: { beforeRedirect: [() => abort.abort()] },
  });
  await assert.rejects(call, CancelledError);
  assert.deepEqual(urls, ['/first']);
});

test('the signal listener is removed once the call settles', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/fail') request.socket.destroy();
    else response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin, retry: false });
  const abort = new AbortController();
  await session.get('/', { signal: abort.signal });
  await assert.rejects(session.get('/fail', { signal: abort.signal }));
  await session.get('/', { signal: abort.signal, stream: true }).then((r) => r.body?.resume());
  assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
});

test('a signal that is not an AbortSignal → InvalidOptionError on every verb, nothing sent or queued', async (t) => {
  const server = await startCountingServer(t);
  const session = openSession(t, { baseURL: server.origin });
  const futures = new FuturesSession({ baseURL: server.origin, maxWorkers: 1 });
  t.after(() => futures.close());
  const verbs = ['get', 'head', 'options', 'delete', 'post', 'put', 'patch'] as const;
  for (const signal of [Symbol('signal'), {}, { aborted: false }, 'abort', 1, null]) {
    const options = { signal: signal as never };
    for (const verb of verbs) {
      for (const call of [session[verb]('/', options), futures[verb]('/', options)]) {
        const error = await Promise.resolve(call).catch((e: unknown) => e);
        assert.ok(error instanceof InvalidOptionError, `${verb}: ${String(error)}`);
        assert.match(error.message, /^Expected `signal` to be an AbortSignal, got /);
      }
    }
    const error = await session.request('GET', '/', options).catch((e: unknown) => e);
    assert.ok(error instanceof InvalidOptionError, String(error));
  }
  assert.equal(futures.executor.queued + futures.executor.active, 0);
  assert.equal(server.requests, 0);
  assert.equal((await session.get('/')).status, 200);
});

test('calls in flight sharing one signal add one abort listener to it, not one each', {
  timeout: 10_000,
}, async (t) => {
  const held: (() => void)[] = [];
  const allArrived = deferred();
  const server = await startServer(t, (_request, response) => {
    held.push(() => response.end('ok'));
    if (held.length === 13) allArrived.resolve();
  });
  const session = openSession(t, { baseURL: server.origin });
  const abort = new AbortController();
  // More than Node's default of 10 listeners, past which it warns of a leak.
  const calls = Array.from({ length: 12 }, () => session.get('/', { signal: abort.signal }));
  assert.equal(getEventListeners(abort.signal, 'abort').length, 1);
  const cancelled = session.get('/', { signal: abort.signal });
  await allArrived.promise;
  for (const release of held.slice(0, 12)) release();
  for (const call of calls) assert.equal((await call).status, 200);
  assert.equal(getEventListeners(abort.signal, 'abort').length, 1);
  abort.abort();
  await assert.rejects(cancelled, CancelledError);
  assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
});
