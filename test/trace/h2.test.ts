import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AttemptRecord, type RequestRecord, Trace } from '../../src/index.ts';
import { type H2Handler, startH1TLS, startH2C, startH2TLS } from '../helpers/h2.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

/** The one attempt of the one record of `trace` whose URL path is `path`. */
function attemptOf(trace: Trace, path: string): AttemptRecord {
  const found = trace.requests.filter((record) => new URL(record.url).pathname === path);
  assert.equal(found.length, 1, `one record for ${path}, got ${found.length}`);
  const attempts = (found[0] as RequestRecord).attempts;
  assert.equal(attempts.length, 1, `one attempt for ${path}`);
  return attempts[0] as AttemptRecord;
}

/** What the attempt says of its protocol, connection and stream. */
function wireOf(attempt: AttemptRecord) {
  const { protocol, connectionId, streamId, reused } = attempt;
  return { protocol, connectionId, streamId, reused };
}

test('an h2c request is recorded as HTTP/2.0 with its session and stream; the next one reuses the session', async (t) => {
  const streams = new Map<string, number>(); // the stream id the server saw, by path
  const server = await startH2C(t, (request, response) => {
    streams.set(request.url, request.stream.id as number);
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  const trace = new Trace();
  await trace.run(async () => {
    await session.get('/first');
    await session.get('/second');
  });
  trace.end();
  assert.equal(server.sessions, 1);
  const first = attemptOf(trace, '/first');
  const second = attemptOf(trace, '/second');
  assert.equal(typeof first.connectionId, 'number');
  assert.deepEqual(wireOf(first), {
    protocol: 'HTTP/2.0',
    connectionId: first.connectionId,
    streamId: 1,
    reused: false,
  });
  assert.deepEqual(wireOf(second), {
    protocol: 'HTTP/2.0',
    connectionId: first.connectionId,
    streamId: 3,
    reused: true,
  });
  assert.deepEqual(
    [...streams],
    [
      ['/first', 1],
      ['/second', 3],
    ],
  );
  assert.equal(first.isSecure, false);
  assert.equal(first.connectStart, undefined, 'fanout opened the socket: no undici connect times');
  const html = trace.waterfall();
  assert.ok(html.includes(`HTTP/2 session ${first.connectionId} stream 1 (new)`));
  assert.ok(html.includes(`HTTP/2 session ${first.connectionId} stream 3 (reused)`));
});

test('concurrent h2 requests: each records the stream id the server saw it on', async (t) => {
  const streams = new Map<string, number>();
  const all = deferred();
  const server = await startH2C(t, async (request, response) => {
    streams.set(request.url, request.stream.id as number);
    if (streams.size === 3) all.resolve();
    await all.promise; // all three are open at once
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  const trace = new Trace();
  await trace.run(() => Promise.all([session.get('/a'), session.get('/b'), session.get('/c')]));
  assert.equal(server.sessions, 1);
  const attempts = ['/a', '/b', '/c'].map((path) => attemptOf(trace, path));
  assert.deepEqual(
    attempts.map((attempt) => [attempt.streamId, attempt.reused]),
    ['/a', '/b', '/c'].map((path) => [streams.get(path), streams.get(path) !== 1]),
  );
  assert.deepEqual(attempts.map((attempt) => attempt.streamId).sort(), [1, 3, 5]);
  assert.equal(new Set(attempts.map((attempt) => attempt.connectionId)).size, 1);
});

test('sessions to two origins have different numbers', async (t) => {
  const handler: H2Handler = (_request, response) => {
    response.end('ok');
  };
  const one = await startH2C(t, handler);
  const two = await startH2C(t, handler);
  const session = openSession(t, { http2: 'prior-knowledge', allowAbsoluteURLs: true });
  const trace = new Trace();
  await trace.run(async () => {
    await session.get(`${one.origin}/one`);
    await session.get(`${two.origin}/two`);
  });
  const [a, b] = [attemptOf(trace, '/one'), attemptOf(trace, '/two')];
  assert.equal(a.streamId, 1);
  assert.equal(b.streamId, 1);
  assert.notEqual(a.connectionId, b.connectionId);
});

test('h2 over TLS (ALPN) is HTTP/2.0 on a secure session; a server that picks HTTP/1.1 is HTTP/1.1', async (t) => {
  const h2 = await startH2TLS(t, (_request, response) => {
    response.end('ok');
  });
  const h1 = await startH1TLS(t, (_request, response) => {
    response.end('ok');
  });
  const secure = openSession(t, { baseURL: h2.origin, http2: true, ca: h2.ca });
  const fallback = openSession(t, { baseURL: h1.origin, http2: true, ca: h1.ca });
  const trace = new Trace();
  await trace.run(async () => {
    await secure.get('/h2');
    await fallback.get('/h1');
  });
  const viaH2 = attemptOf(trace, '/h2');
  assert.deepEqual(wireOf(viaH2), {
    protocol: 'HTTP/2.0',
    connectionId: viaH2.connectionId,
    streamId: 1,
    reused: false,
  });
  assert.equal(viaH2.isSecure, true);
  const viaH1 = attemptOf(trace, '/h1');
  assert.equal(viaH1.protocol, 'HTTP/1.1');
  assert.equal(viaH1.connectionId, undefined);
  assert.equal(viaH1.streamId, undefined);
});

test('an HTTP/1.1 request is recorded as HTTP/1.1, with no session or stream', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin });
  const trace = new Trace();
  await trace.run(() => session.get('/plain'));
  assert.deepEqual(wireOf(attemptOf(trace, '/plain')), {
    protocol: 'HTTP/1.1',
    connectionId: undefined,
    streamId: undefined,
    reused: false,
  });
  assert.ok(trace.waterfall().includes('new socket'));
});
