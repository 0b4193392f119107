import assert from 'node:assert/strict';
import type { ServerHttp2Stream } from 'node:http2';
import type { Readable } from 'node:stream';
import { test } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { TimeoutError } from '../../../src/index.ts';
import { type FakeTimers, fakeTimers, settle } from '../../helpers/fake-timers.ts';
import { deferred } from '../../helpers/server.ts';
import { openSession } from '../fixtures.ts';
import { startH2Server } from './h2-server.ts';

const CANCEL = 8; // NGHTTP2_CANCEL
const HANGS = { timeout: 10_000 };

// Moves `clock` to 1 ms before `ms`, checks `call` is pending, then the last 1 ms: its TimeoutError.
async function expireAfter(clock: FakeTimers, ms: number, call: Promise<unknown>) {
  let isSettled = false;
  const outcome = call.then(
    () => undefined,
    (error: unknown) => error,
  );
  void outcome.finally(() => {
    isSettled = true;
  });
  clock.tick(ms - 1);
  await settle();
  assert.equal(isSettled, false, `still pending ${ms - 1} ms on`);
  clock.tick(1);
  const error = await outcome;
  assert.ok(error instanceof TimeoutError, `expected a TimeoutError, got ${String(error)}`);
  return error;
}

// A server whose `/hang` streams get `hang`'s treatment and report their reset code; others: 'ok'.
async function hangingServer(
  t: Parameters<typeof startH2Server>[0],
  hang: (stream: ServerHttp2Stream) => void,
) {
  const arrived = deferred();
  const reset = deferred<number>();
  const server = await startH2Server(t, (stream, headers) => {
    if (headers[':path'] === '/hang') {
      stream.once('close', () => reset.resolve(stream.rstCode));
      hang(stream);
      arrived.resolve();
      return;
    }
    stream.respond({ ':status': 200 });
    stream.end('ok');
  });
  return { server, arrived: arrived.promise, reset: reset.promise };
}

for (const { phase, hang, armings } of [
  { phase: 'headers', hang: () => {}, armings: 1 },
  {
    phase: 'body',
    hang: (stream: ServerHttp2Stream) => {
      stream.respond({ ':status': 200 });
      stream.write('partial');
    },
    // Started by the headers, restarted by the partial chunk.
    armings: 2,
  },
  { phase: 'total', hang: () => {}, armings: 1 },
] as const) {
  test(
    `timeout.${phase} on h2: TimeoutError (${phase}), the stream reset (CANCEL), the session reused`,
    HANGS,
    async (t) => {
      const { server, arrived, reset } = await hangingServer(t, hang);
      const session = openSession(t, {
        baseURL: server.origin,
        http2: 'prior-knowledge',
        retry: false,
      });
      assert.equal((await session.get('/warm')).text, 'ok');
      const clock = fakeTimers(t);
      const armed = clock.armed(200, armings);
      const timeout = phase === 'total' ? { total: 200 } : { [phase]: 200, total: 450 };
      const call = session.get('/hang', { timeout });
      await Promise.all([armed, arrived]);
      const error = await expireAfter(clock, 200, call);
      assert.equal(error.phase, phase);
      assert.equal(error.timeout, 200);
      assert.equal(await reset, CANCEL);
      assert.equal((await session.get('/after')).text, 'ok');
      assert.equal(server.stats.sessions, 1);
    },
  );
}

test('gzip, br and deflate bodies on h2 are decoded, buffered and streamed', async (t) => {
  const text = 'décodé '.repeat(1_000);
  const encoders = { gzip: gzipSync, br: brotliCompressSync, deflate: deflateSync };
  const acceptEncodings: unknown[] = [];
  const server = await startH2Server(t, (stream, headers) => {
    acceptEncodings.push(headers['accept-encoding']);
    const codec = (headers[':path'] as string).slice(1) as keyof typeof encoders;
    stream.respond({ ':status': 200, 'content-encoding': codec });
    stream.end(encoders[codec](text));
  });
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  for (const codec of Object.keys(encoders)) {
    assert.equal((await session.get(`/${codec}`)).text, text, codec);
    const streamed = (await session.get(`/${codec}`, { stream: true })).body as Readable;
    const chunks: Buffer[] = [];
    for await (const chunk of streamed) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString('utf8'), text, `${codec}, streamed`);
  }
  assert.ok(acceptEncodings.every((value) => typeof value === 'string' && /gzip/.test(value)));
  assert.equal(server.stats.sessions, 1);
});

test(
  'stream: true on h2: an unread body is held back by flow control; reading it resumes',
  HANGS,
  async (t) => {
    const size = 32 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 1);
    const progress = { written: 0, flushed: 0, sawBackpressure: false };
    const finished = deferred();
    const server = await startH2Server(t, async (stream, headers) => {
      if (headers[':path'] === '/ping') {
        stream.respond({ ':status': 200 });
        stream.end(String(progress.flushed));
        return;
      }
      stream.respond({ ':status': 200 });
      while (progress.written < size) {
        progress.written += chunk.length;
        const length = chunk.length;
        const isRoomy = stream.write(chunk, () => {
          progress.flushed += length;
        });
        if (!isRoomy) {
          progress.sawBackpressure ||= stream.writableNeedDrain;
          await new Promise((resolve) => stream.once('drain', resolve));
        }
      }
      stream.end(() => finished.resolve());
    });
    const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
    const body = (await session.get('/big', { stream: true })).body as Readable;
    // Round trips on the same session while the body is unread, until one sees the server got no
    // further: it stalled within the stream's flow-control window (1 MiB) and the client's small
    // read buffers (without flow control it would only stall once all 32 MiB were out).
    let flushed = -1;
    for (let last = Number.NaN; flushed !== last; ) {
      last = flushed;
      flushed = Number((await session.get('/ping')).text);
    }
    assert.ok(flushed <= 2 * 1024 * 1024, `the server flushed ${flushed} bytes unread`);
    assert.ok(body.readableLength <= body.readableHighWaterMark, `buffered ${body.readableLength}`);
    assert.ok(progress.sawBackpressure, 'the server saw backpressure');
    assert.ok(progress.written < size, `the server wrote ${progress.written} of ${size} bytes`);
    let received = 0;
    for await (const piece of body) received += (piece as Buffer).length;
    assert.equal(received, size);
    await finished.promise;
    assert.equal(progress.flushed, size);
    assert.equal(server.stats.sessions, 1);
  },
);
