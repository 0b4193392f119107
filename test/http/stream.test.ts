import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  BodyTooLargeError,
  ConnectionError,
  InvalidRequestError,
  ResponseParseError,
  TimeoutError,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

const MiB = 1024 * 1024;

/** Lets `count` turns of the event loop pass (real I/O and microtasks; no timer). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('stream: true gives a body stream and no buffered content', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', { stream: true });
  assert.ok(response.body);
  assert.throws(() => response.content, InvalidRequestError);
  assert.throws(() => response.text, InvalidRequestError);
  assert.throws(() => response.json(), InvalidRequestError);
  let text = '';
  for await (const chunk of response.body) text += String(chunk);
  assert.equal(text, '{"a":1}');
});

test('a large streamed body is read chunk by chunk, with backpressure to the server', {
  timeout: 10_000,
}, async (t) => {
  const total = 32 * MiB;
  const chunk = Buffer.alloc(64 * 1024, 7);
  let written = 0;
  let finished = false;
  const blocked = deferred();
  const server = await startServer(t, async (_request, response) => {
    response.writeHead(200, { 'content-length': String(total) });
    while (written < total) {
      written += chunk.length;
      if (!response.write(chunk)) {
        blocked.resolve();
        await once(response, 'drain');
      }
    }
    response.end(() => {
      finished = true;
    });
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', { stream: true });
  const body = response.body;
  assert.ok(body);
  await blocked.promise;
  // Nobody reads: through many turns of the event loop (each one polls the sockets), the server
  // must stay blocked, with little buffered on the client side.
  await turns(50);
  assert.equal(finished, false);
  assert.ok(written < total / 2, `the server wrote ${written} bytes before anyone read`);
  assert.ok(body.readableLength <= MiB, `${body.readableLength} bytes buffered`);

  let received = 0;
  let chunks = 0;
  for await (const part of body) {
    received += (part as Buffer).length;
    chunks++;
  }
  assert.equal(received, total);
  assert.ok(chunks > 10, `${chunks} chunks`);
});

test('destroying the body early releases the socket', { timeout: 10_000 }, async (t) => {
  const closed = deferred();
  const server = await startServer(t, (request, response) => {
    request.socket.on('close', () => closed.resolve());
    response.writeHead(200);
    response.write(Buffer.alloc(1024));
    // …and never ends.
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', { stream: true });
  response.body?.destroy();
  await closed.promise;
});

test('destroying a decompressed body early releases the socket', { timeout: 10_000 }, async (t) => {
  const closed = deferred();
  const head = gzipSync(Buffer.alloc(1024)).subarray(0, 100);
  const server = await startServer(t, (request, response) => {
    request.socket.on('close', () => closed.resolve());
    response.writeHead(200, { 'content-encoding': 'gzip' });
    response.write(head);
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', { stream: true });
  response.body?.destroy();
  await closed.promise;
});

test('a corrupt streamed gzip body fails with ResponseParseError', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'gzip' }).end('definitely not gzip');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', { stream: true });
  await assert.rejects(async () => {
    for await (const _ of response.body ?? []);
  }, ResponseParseError);
});

test('maxBodySize bounds a streamed body', { timeout: 10_000 }, async (t) => {
  const closed = deferred();
  const server = await startServer(t, (request, response) => {
    request.socket.on('close', () => closed.resolve());
    response.writeHead(200);
    response.write(Buffer.alloc(64 * 1024));
    response.write(Buffer.alloc(64 * 1024));
  });
  const session = openSession(t, { baseURL: server.origin, maxBodySize: 100_000 });
  const response = await session.get('/', { stream: true });
  let received = 0;
  await assert.rejects(async () => {
    for await (const part of response.body ?? []) received += (part as Buffer).length;
  }, BodyTooLargeError);
  assert.ok(received <= 100_000);
  await closed.promise;
});

test('the body timeout applies to a streamed body', { timeout: 10_000 }, async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200);
    response.write('start');
  });
  const session = openSession(t, { baseURL: server.origin, timeout: { body: 200 } });
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const response = await session.get('/', { stream: true });
  t.mock.timers.tick(200);
  const error = await (async () => {
    for await (const _ of response.body ?? []);
  })().catch((e: unknown) => e);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.phase, 'body');
});

test('the body timer is stopped while the reader applies backpressure', {
  timeout: 10_000,
}, async (t) => {
  const blocked = deferred();
  const chunk = Buffer.alloc(64 * 1024, 1);
  const total = 8 * MiB;
  const server = await startServer(t, async (_request, response) => {
    response.writeHead(200);
    for (let written = 0; written < total; written += chunk.length) {
      if (!response.write(chunk)) {
        blocked.resolve();
        await once(response, 'drain');
      }
    }
    response.end();
  });
  const session = openSession(t, { baseURL: server.origin, timeout: { body: 100 } });
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const response = await session.get('/', { stream: true });
  await blocked.promise;
  // The reader waits longer than the body timeout: that is the reader's doing, not the server's.
  t.mock.timers.tick(300);
  let received = 0;
  for await (const part of response.body ?? []) received += (part as Buffer).length;
  assert.equal(received, total);
});

test('an unread streamed body that fails does not crash the process', {
  timeout: 10_000,
}, async (t) => {
  const sent = deferred();
  const reset = deferred();
  const server = await startServer(t, async (request, response) => {
    response.writeHead(200);
    response.write('partial', () => sent.resolve());
    await reset.promise;
    request.socket.destroy();
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', { stream: true });
  const body = response.body;
  assert.ok(body);
  await sent.promise;
  reset.resolve();
  // Only a 'close' listener: no 'error' listener, no reader.
  await new Promise((resolve) => body.once('close', resolve));
  assert.ok(body.errored instanceof ConnectionError);
});

test('with stream: true, redirects are followed and history is buffered', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/old') response.writeHead(301, { location: '/new' }).end('moved');
    else response.end('streamed');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/old', { stream: true });
  assert.equal(response.history.length, 1);
  assert.equal(response.history[0]?.text, 'moved');
  let text = '';
  for await (const part of response.body ?? []) text += String(part);
  assert.equal(text, 'streamed');
  const unfollowed = await session.get('/old', { stream: true, redirect: false });
  assert.equal(unfollowed.status, 301);
  assert.ok(unfollowed.body, 'a 3xx returned as is is streamed as asked');
  unfollowed.body.resume();
});

test('a HEAD stream with a content-encoding ends cleanly', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'gzip', 'content-length': '1234' }).end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.head('/', { stream: true });
  const chunks: unknown[] = [];
  for await (const part of response.body ?? []) chunks.push(part);
  assert.deepEqual(chunks, []);
  assert.equal(response.headers['content-length'], '1234');
});
