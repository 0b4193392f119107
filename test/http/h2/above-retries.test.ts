import assert from 'node:assert/strict';
import { constants, type ServerHttp2Stream } from 'node:http2';
import { type TestContext, test } from 'node:test';
import { ConnectionError, TimeoutError } from '../../../src/index.ts';
import { fakeTimers } from '../../helpers/fake-timers.ts';
import { startHostileH2 } from '../../helpers/h2-hostile.ts';
import { deferred } from '../../helpers/server.ts';
import { openSession } from '../fixtures.ts';
import { startH2Server } from './h2-server.ts';

const { NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_INTERNAL_ERROR, NGHTTP2_REFUSED_STREAM } = constants;

async function readAll(stream: ServerHttp2Stream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(stream: ServerHttp2Stream, body: string): void {
  stream.respond({ ':status': 200 });
  stream.end(body);
}

// A Session speaking h2c to `origin`, retrying after 1 ms, up to `limit` times (else the default).
function h2cSession(t: TestContext, origin: string, limit?: number) {
  const retry = limit === undefined ? { baseDelay: 1 } : { limit, baseDelay: 1 };
  return openSession(t, { baseURL: origin, http2: 'prior-knowledge', retry });
}

test('refused streams are retried whatever the method: every POST of a burst is processed once', async (t) => {
  const processed: string[] = [];
  let arrivals = 0;
  const server = await startH2Server(t, async (stream) => {
    // Every other stream is refused before its body is read: the server never processed it.
    if (++arrivals % 2 === 1) {
      stream.close(NGHTTP2_REFUSED_STREAM);
      return;
    }
    const body = await readAll(stream);
    processed.push(body);
    answer(stream, `done ${body}`);
  });
  const session = h2cSession(t, server.origin, 10);
  const bodies = Array.from({ length: 6 }, (_, i) => `p${i}`);
  const responses = await Promise.all(bodies.map((body) => session.post('/', { body })));
  assert.deepEqual(
    responses.map((response) => response.text),
    bodies.map((body) => `done ${body}`),
  );
  // Nothing lost, nothing processed twice.
  assert.deepEqual([...processed].sort(), bodies);
  assert.ok(arrivals > 6, `${arrivals} arrivals`);
  assert.equal(server.stats.sessions, 1);
});

// node:http2's server cannot send a GOAWAY naming a stream below one it received (it sends the
// last one it saw instead): a hand-written server does, answering stream 1 of each connection only.
test('GOAWAY: streams above its last stream id are retried, even POSTs; each is answered once', async (t) => {
  const server = await startHostileH2(t, { kind: 'goaway', lastStreamId: 1 });
  const session = h2cSession(t, server.origin, 5);
  const responses = await Promise.all(['a', 'b', 'c'].map((body) => session.post('/', { body })));
  assert.deepEqual(
    responses.map((response) => response.text),
    ['ok', 'ok', 'ok'],
  );
  // Each connection answered its first stream and refused the others by GOAWAY: three in all.
  assert.equal(server.connections, 3);
});

test('GOAWAY before any stream was processed: a POST is retried up to the limit, then fails', async (t) => {
  const server = await startHostileH2(t, { kind: 'goaway', lastStreamId: 0 });
  const session = h2cSession(t, server.origin, 2);
  const error = await session.post('/', { body: 'x' }).catch((e: unknown) => e);
  assert.ok(error instanceof ConnectionError, String(error));
  assert.match(error.message, /REFUSED_STREAM/);
  assert.equal(server.connections, 3);
});

test('GOAWAY with an error code: a POST above its last stream id is retried, one at it fails', async (t) => {
  let arrivals = 0;
  const server = await startH2Server(t, (stream) => {
    // The first stream (at the last stream id: it may have been processed) is never answered.
    if (++arrivals === 1) stream.session?.goaway(NGHTTP2_ENHANCE_YOUR_CALM, stream.id);
    else answer(stream, 'again');
  });
  const session = h2cSession(t, server.origin);
  const [first, second] = await Promise.allSettled([
    session.post('/a', { body: '1' }),
    session.post('/b', { body: '2' }),
  ]);
  assert.equal(first.status, 'rejected');
  assert.ok(first.reason instanceof ConnectionError, String(first.reason));
  assert.equal(second.status === 'fulfilled' && second.value.text, 'again');
  assert.equal(server.stats.sessions, 2);
});

// A server that resets every stream after processing it (reading its body), except the ones
// whose arrival number is in `answered`.
async function resetAfterProcessing(t: Parameters<typeof startH2Server>[0], answered: number[]) {
  const processed: string[] = [];
  const server = await startH2Server(t, async (stream, headers) => {
    const body = await readAll(stream);
    processed.push(`${headers[':method']} ${body}`);
    if (answered.includes(processed.length)) answer(stream, 'ok');
    else stream.close(NGHTTP2_INTERNAL_ERROR);
  });
  return { server, processed };
}

test('a stream reset after processing is retried for an idempotent method', async (t) => {
  const { server, processed } = await resetAfterProcessing(t, [2, 4]);
  const session = h2cSession(t, server.origin);
  assert.equal((await session.get('/')).text, 'ok');
  assert.equal((await session.put('/', { body: 'v' })).text, 'ok');
  assert.deepEqual(processed, ['GET ', 'GET ', 'PUT v', 'PUT v']);
  assert.equal(server.stats.sessions, 1);
});

test('a stream reset after processing fails a POST with ConnectionError, not retried', async (t) => {
  const { server, processed } = await resetAfterProcessing(t, []);
  const session = h2cSession(t, server.origin, 3);
  const error = await session.post('/', { body: 'pay' }).catch((e: unknown) => e);
  assert.ok(error instanceof ConnectionError, String(error));
  assert.deepEqual(processed, ['POST pay']);
  assert.equal(server.stats.sessions, 1);
});

test('retries of refused streams stay within timeout.total', { timeout: 10_000 }, async (t) => {
  let arrivals = 0;
  const third = deferred();
  const server = await startH2Server(t, (stream) => {
    if (++arrivals < 3) stream.close(NGHTTP2_REFUSED_STREAM);
    else third.resolve(); // the third attempt is never answered
  });
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  const clock = fakeTimers(t);
  // Each backoff is waited out on the fake clock once armed: it counts toward the total.
  const beforeRetry = ({ delay }: { delay: number }) => {
    void clock.armed(delay).then((wait) => clock.tick(wait));
  };
  const call = session.post('/', {
    body: 'x',
    timeout: 300,
    retry: { limit: 5, baseDelay: 1 },
    hooks: { beforeRetry: [beforeRetry] },
  });
  const outcome = call.catch((e: unknown) => e);
  await third.promise;
  clock.tick(300 - clock.now);
  const error = await outcome;
  assert.ok(error instanceof TimeoutError, String(error));
  assert.equal(error.phase, 'total');
  assert.equal(error.timeout, 300);
  assert.equal(arrivals, 3);
});
