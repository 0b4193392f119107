import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { SessionClosedError } from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

/** Resolves once every socket in `sockets` has closed. */
function allClosed(sockets: Iterable<Socket>): Promise<unknown> {
  return Promise.all(
    [...sockets].map((socket) =>
      socket.destroyed ? undefined : new Promise((resolve) => socket.once('close', resolve)),
    ),
  );
}

test('close(): requests in flight end with SessionClosedError; the server sees its sockets closed', {
  timeout: 10_000,
}, async (t) => {
  let received = 0;
  const allReceived = deferred();
  const server = await startServer(t, () => {
    if (++received === 3) allReceived.resolve();
  });
  const session = openSession(t, { baseURL: server.origin });
  const calls = [session.get('/a'), session.get('/b'), session.post('/c', { body: 'x' })].map(
    (call) => assert.rejects(call, SessionClosedError),
  );
  await allReceived.promise;
  assert.equal(server.sockets.size, 3);
  const sockets = [...server.sockets];
  await session.close();
  await Promise.all(calls);
  await allClosed(sockets);
  assert.equal(server.sockets.size, 0);
});

test('close(): idle keep-alive sockets are closed too', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin });
  await Promise.all([session.get('/'), session.get('/')]);
  assert.ok(server.sockets.size >= 1, 'kept alive');
  const sockets = [...server.sockets];
  await session.close();
  await allClosed(sockets);
  assert.equal(server.sockets.size, 0);
});

test('close(): later calls are refused without reaching the server', async (t) => {
  let hits = 0;
  const server = await startServer(t, (_request, response) => {
    hits++;
    response.end();
  });
  const session = openSession(t, { baseURL: server.origin });
  await session.get('/');
  await session.close();
  assert.equal(session.isClosed, true);
  const error = await session.get('/later').catch((e: unknown) => e);
  assert.ok(error instanceof SessionClosedError);
  assert.equal(error.code, 'FANOUT_SESSION_CLOSED');
  assert.match(error.message, /GET "?\/later/);
  await assert.rejects(session.post('/later', { json: 1 }), SessionClosedError);
  assert.equal(hits, 1);
  await session.close(); // a second close does nothing
});

// Retry-After asks for 20 s: without close() ending the backoff, these tests would time out.
test('close(): a call waiting in backoff ends with SessionClosedError', {
  timeout: 5_000,
}, async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(503, { 'retry-after': '20' }).end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const retrying = deferred();
  const call = session.get('/', { hooks: { beforeRetry: [() => retrying.resolve()] } });
  const rejected = assert.rejects(call, SessionClosedError);
  await retrying.promise;
  // A macrotask later, the backoff timer is running.
  await new Promise((resolve) => setImmediate(resolve));
  await session.close();
  await rejected;
});

test('close(): a call about to back off does not wait', { timeout: 5_000 }, async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(503, { 'retry-after': '20' }).end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const call = session.get('/', { hooks: { beforeRetry: [() => session.close()] } });
  await assert.rejects(call, SessionClosedError);
});

test('close(): a call still in a hook is refused when it reaches the wire', {
  timeout: 10_000,
}, async (t) => {
  let hits = 0;
  const server = await startServer(t, (_request, response) => {
    hits++;
    response.end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const inHook = deferred();
  const release = deferred();
  const call = session.get('/', {
    hooks: {
      beforeRequest: [
        async () => {
          inHook.resolve();
          await release.promise;
        },
      ],
    },
  });
  await inHook.promise;
  await session.close();
  release.resolve();
  await assert.rejects(call, SessionClosedError);
  assert.equal(hits, 0);
});

test('close(): a streamed body being read fails with SessionClosedError', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200);
    response.write('first');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', { stream: true });
  const body = response.body;
  assert.ok(body);
  const reading = (async () => {
    for await (const _ of body);
  })();
  await session.close();
  await assert.rejects(reading, SessionClosedError);
});

test('Symbol.asyncDispose closes the session', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.end();
  });
  const session = openSession(t, { baseURL: server.origin });
  await session.get('/');
  await session[Symbol.asyncDispose]();
  assert.equal(session.isClosed, true);
});
