import assert from 'node:assert/strict';
import { constants } from 'node:http2';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { selfSigned } from '../../helpers/tls.ts';
import { openSession } from '../fixtures.ts';
import { startH2Server } from './h2-server.ts';

const [pair] = selfSigned('/CN=127.0.0.1');
const { key, cert } = pair as { key: string; cert: string };

test('http2: true negotiates h2 by ALPN with the session CA: a burst opens one connection', async (t) => {
  const server = await startH2Server(
    t,
    (stream) => {
      stream.respond({ ':status': 200 });
      stream.end('h2');
    },
    { tls: { key, cert } },
  );
  const session = openSession(t, { baseURL: server.origin, http2: true, ca: cert });
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => session.get(`/${i}`)));
  assert.ok(responses.every((response) => response.text === 'h2'));
  assert.equal(server.stats.sessions, 1);
});

test('http2: true on a server that picks http/1.1 sends over the HTTP/1.1 pool', async (t) => {
  const server = createServer({ key, cert }, (request, response) => {
    response.end(`h1 ${request.httpVersion}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.after(() => server.closeAllConnections());
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const session = openSession(t, { baseURL: origin, http2: true, ca: cert });
  const responses = await Promise.all(Array.from({ length: 5 }, () => session.get('/')));
  assert.ok(responses.every((response) => response.text === 'h1 1.1'));
});

test('a refused stream (REFUSED_STREAM) is retried, even a POST', async (t) => {
  let seen = 0;
  const server = await startH2Server(t, (stream) => {
    if (++seen === 1) {
      stream.close(constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    stream.respond({ ':status': 200 });
    stream.end('second');
  });
  const session = openSession(t, {
    baseURL: server.origin,
    http2: 'prior-knowledge',
    retry: { baseDelay: 1 },
  });
  assert.equal((await session.post('/', { body: 'x' })).text, 'second');
  assert.equal(seen, 2);
});

test('GOAWAY: the streams above its last stream id are retried on a new session, even a POST', async (t) => {
  let seen = 0;
  const server = await startH2Server(t, (stream) => {
    if (++seen === 1) {
      // The first stream is let through; the second, already sent, is cut off.
      stream.session?.goaway(constants.NGHTTP2_NO_ERROR, stream.id);
      stream.respond({ ':status': 200 });
      stream.end('first');
      return;
    }
    stream.respond({ ':status': 200 });
    stream.end('again');
  });
  const session = openSession(t, {
    baseURL: server.origin,
    http2: 'prior-knowledge',
    retry: { baseDelay: 1 },
  });
  const [a, b] = await Promise.all([
    session.post('/a', { body: '1' }),
    session.post('/b', { body: '2' }),
  ]);
  assert.equal(a.text, 'first');
  assert.equal(b.text, 'again');
  assert.equal(server.stats.sessions, 2);
});

test('a session lost mid-flight fails a GET with a connection error that is retried', async (t) => {
  let seen = 0;
  const server = await startH2Server(t, (stream) => {
    if (++seen === 1) {
      stream.session?.destroy();
      return;
    }
    stream.respond({ ':status': 200 });
    stream.end('recovered');
  });
  const session = openSession(t, {
    baseURL: server.origin,
    http2: 'prior-knowledge',
    retry: { baseDelay: 1 },
  });
  assert.equal((await session.get('/')).text, 'recovered');
  assert.equal(server.stats.sessions, 2);
});
