import assert from 'node:assert/strict';
import type { ServerHttp2Stream } from 'node:http2';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  BodyTooLargeError,
  CancelledError,
  InvalidOptionError,
  Session,
  TimeoutError,
} from '../../../src/index.ts';
import { deferred } from '../../helpers/server.ts';
import { openSession } from '../fixtures.ts';
import { startH2Server } from './h2-server.ts';

async function readAll(stream: ServerHttp2Stream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// Answers every stream with a JSON echo of its header block and body.
async function echo(stream: ServerHttp2Stream, headers: Record<string, unknown>): Promise<void> {
  const body = await readAll(stream);
  stream.respond({
    ':status': 200,
    'content-type': 'application/json',
    'set-cookie': ['a=1', 'b=2'],
  });
  stream.end(JSON.stringify({ headers, body }));
}

test('http2: an invalid value → InvalidOptionError', () => {
  for (const value of ['yes', 1, null, 'h2c']) {
    assert.throws(
      () => new Session({ http2: value as never }),
      (error) =>
        error instanceof InvalidOptionError &&
        error.message.startsWith("Expected `http2` to be true, false or 'prior-knowledge', got"),
      String(value),
    );
  }
});

test("'prior-knowledge' speaks h2c: pseudo-headers, no connection-specific fields, headers and cookies back", async (t) => {
  const server = await startH2Server(t, echo);
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  const response = await session.get('/a?b=1', {
    headers: {
      Connection: 'keep-alive',
      'Keep-Alive': 'timeout=5',
      Upgrade: 'x',
      TE: 'gzip',
      'x-one': '1',
    },
  });
  assert.equal(response.status, 200);
  assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
  const { headers } = response.json() as { headers: Record<string, string> };
  assert.equal(headers[':method'], 'GET');
  assert.equal(headers[':scheme'], 'http');
  assert.equal(headers[':path'], '/a?b=1');
  assert.equal(headers[':authority'], new URL(server.origin).host);
  assert.equal(headers['x-one'], '1');
  for (const name of ['connection', 'keep-alive', 'upgrade', 'te', 'host'])
    assert.equal(headers[name], undefined, name);
  // The jar took the cookies of the first answer.
  const again = (await session.get('/b')).json() as { headers: Record<string, string> };
  assert.equal(again.headers.cookie, 'a=1; b=2');
  assert.equal(server.stats.sessions, 1);
});

test('no connection storm: 100 requests fired at once at a fresh origin open one connection', async (t) => {
  const all = deferred();
  let arrived = 0;
  const server = await startH2Server(t, async (stream) => {
    if (++arrived === 100) all.resolve();
    await all.promise; // every stream is open at once before any is answered
    stream.respond({ ':status': 200 });
    stream.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => session.get(`/${i}`)));
  assert.ok(responses.every((response) => response.text === 'ok'));
  assert.equal(server.stats.sessions, 1);
});

// A server allowing 2 streams at once, holding each until released; it notes arrival order.
async function twoAtATime(t: Parameters<typeof startH2Server>[0]) {
  const order: string[] = [];
  const stats = { active: 0, maxActive: 0 };
  const held: (() => void)[] = [];
  let waiter: { count: number; arrived: () => void } | undefined;
  const server = await startH2Server(
    t,
    async (stream, headers) => {
      order.push(headers[':path'] as string);
      stats.maxActive = Math.max(stats.maxActive, ++stats.active);
      const release = deferred();
      held.push(() => release.resolve());
      if (waiter !== undefined && held.length >= waiter.count) waiter.arrived();
      await release.promise;
      stats.active--;
      stream.respond({ ':status': 200 });
      stream.end('ok');
    },
    { settings: { maxConcurrentStreams: 2 } },
  );
  // Resolves once `count` streams are held.
  const held_ = (count: number) => {
    const arrived = deferred();
    waiter = { count, arrived: () => arrived.resolve() };
    if (held.length >= count) arrived.resolve();
    return arrived.promise;
  };
  // Answers `total` requests in waves of `wave` held at once.
  const answer = async (total: number, wave: number) => {
    for (let left = total; left > 0; left -= wave) {
      await held_(Math.min(wave, left));
      for (const release of held.splice(0)) release();
    }
  };
  return { server, order, stats, answer };
}

test("requests beyond the server's MAX_CONCURRENT_STREAMS wait in order on the one session", async (t) => {
  const { server, order, stats, answer } = await twoAtATime(t);
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  // One request first: the server's SETTINGS (2 streams) are known once it is answered.
  const first = session.get('/first');
  await answer(1, 1);
  await first;
  const calls = Array.from({ length: 6 }, (_, i) => session.get(`/${i}`));
  await answer(6, 2);
  assert.ok((await Promise.all(calls)).every((response) => response.text === 'ok'));
  assert.equal(stats.maxActive, 2);
  assert.deepEqual(order, ['/first', '/0', '/1', '/2', '/3', '/4', '/5']);
  assert.equal(server.stats.sessions, 1);
});

test('http2Sessions: another session opens only when the open ones are full', async (t) => {
  const { server, stats, answer } = await twoAtATime(t);
  const session = openSession(t, {
    baseURL: server.origin,
    http2: 'prior-knowledge',
    http2Sessions: 2,
  });
  const first = session.get('/first');
  await answer(1, 1);
  await first;
  assert.equal(server.stats.sessions, 1);
  const calls = Array.from({ length: 8 }, (_, i) => session.get(`/${i}`));
  await answer(8, 4);
  await Promise.all(calls);
  assert.equal(server.stats.sessions, 2);
  assert.equal(stats.maxActive, 4);
});

test('request bodies: string, bytes, Blob (FormData) and streams, with content-length when known', async (t) => {
  const server = await startH2Server(t, echo);
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  const seen = async (body: unknown) =>
    (await session.post('/', { body: body as never })).json() as {
      headers: Record<string, string>;
      body: string;
    };
  const text = await seen('héllo');
  assert.equal(text.body, 'héllo');
  assert.equal(text.headers['content-length'], '6');
  assert.equal((await seen(new TextEncoder().encode('bytes'))).body, 'bytes');
  const form = new FormData();
  form.set('field', 'value');
  const multipart = await seen(form);
  assert.match(multipart.body, /name="field"\r\n\r\nvalue/);
  assert.equal(multipart.headers['content-length'], String(Buffer.byteLength(multipart.body)));
  const streamed = await seen(Readable.from([Buffer.from('a'), Buffer.from('b')]));
  assert.equal(streamed.body, 'ab');
  assert.equal(streamed.headers['content-length'], undefined);
  assert.equal(server.stats.sessions, 1);
});

test('a gzip body is decoded; one over maxBodySize fails and the session goes on', async (t) => {
  const big = 'x'.repeat(10_000);
  const server = await startH2Server(t, (stream, headers) => {
    if (headers[':path'] === '/big') {
      stream.respond({ ':status': 200 });
      stream.end(big);
      return;
    }
    stream.respond({ ':status': 200, 'content-encoding': 'gzip' });
    stream.end(gzipSync('decoded'));
  });
  const session = openSession(t, {
    baseURL: server.origin,
    http2: 'prior-knowledge',
    maxBodySize: 1_000,
  });
  assert.equal((await session.get('/gz')).text, 'decoded');
  await assert.rejects(session.get('/big'), BodyTooLargeError);
  assert.equal((await session.get('/gz')).text, 'decoded');
  assert.equal(server.stats.sessions, 1);
});

test('stream: true applies flow control: an unread body stops its stream, the session serves others', async (t) => {
  const size = 32 * 1024 * 1024;
  const server = await startH2Server(
    t,
    (stream, headers) => {
      stream.respond({ ':status': 200 });
      stream.end(headers[':path'] === '/big' ? Buffer.alloc(size, 1) : 'pong');
    },
    { maxSessionMemory: 100 },
  );
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  const response = await session.get('/big', { stream: true });
  const body = response.body as Readable;
  assert.equal((await session.get('/ping')).text, 'pong');
  // The body stream holds its high-water mark: the HTTP/2 stream stopped reading (without the
  // pause it takes in a whole flow-control window, 1 MiB, meanwhile).
  assert.ok(body.readableLength <= body.readableHighWaterMark, `buffered ${body.readableLength}`);
  let received = 0;
  for await (const chunk of body) received += (chunk as Buffer).length;
  assert.equal(received, size);
  assert.equal(server.stats.sessions, 1);
});

test('a cancelled stream is reset (CANCEL) and frees its slot; the session stays open', async (t) => {
  const reset = deferred<number>();
  const hangs = deferred();
  const server = await startH2Server(
    t,
    (stream, headers) => {
      if (headers[':path'] === '/hang') {
        hangs.resolve();
        stream.on('close', () => reset.resolve(stream.rstCode));
        return;
      }
      stream.respond({ ':status': 200 });
      stream.end('ok');
    },
    { settings: { maxConcurrentStreams: 1 } },
  );
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  assert.equal((await session.get('/warm')).text, 'ok'); // the server's SETTINGS are known
  const controller = new AbortController();
  const hanging = session.get('/hang', { signal: controller.signal });
  const next = session.get('/next'); // waits for the one slot
  await hangs.promise;
  controller.abort();
  await assert.rejects(hanging, CancelledError);
  assert.equal(await reset.promise, 8); // NGHTTP2_CANCEL
  assert.equal((await next).text, 'ok');
  assert.equal(server.stats.sessions, 1);
});

test('the headers timeout holds on h2: a stream never answered fails with TimeoutError (headers)', async (t) => {
  const server = await startH2Server(t, () => {});
  const session = openSession(t, {
    baseURL: server.origin,
    http2: 'prior-knowledge',
    timeout: { headers: 50 },
    retry: 0,
  });
  await assert.rejects(
    session.get('/silent'),
    (error) => error instanceof TimeoutError && error.phase === 'headers',
  );
});
