import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CancelledError,
  FuturesSession,
  type FuturesSessionOptions,
  Session,
} from '../../../src/index.ts';
import { startH2C } from '../../helpers/h2.ts';
import { deferred } from '../../helpers/server.ts';

type Context = Parameters<typeof startH2C>[0];
const CANCEL = 8; // NGHTTP2_CANCEL

/**
 * An h2c origin that holds every stream but `/marker` until `release()` and counts the streams
 * open at once; `arrived(n)` resolves once n held streams have arrived, `marker` when one has.
 */
async function holdingH2(t: Context) {
  const paths: string[] = [];
  const resets: Promise<number>[] = [];
  const held: (() => void)[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const stats = { active: 0, maxActive: 0, markerSaw: -1 };
  let isReleasing = false;
  const server = await startH2C(t, async (request, response) => {
    if (request.url === '/marker') {
      stats.markerSaw = paths.length;
      response.end('marker');
      return;
    }
    paths.push(request.url);
    resets.push(
      new Promise((resolve) => request.stream.once('close', () => resolve(request.stream.rstCode))),
    );
    stats.maxActive = Math.max(stats.maxActive, ++stats.active);
    request.stream.once('close', () => stats.active--);
    for (const waiter of waiters.filter(({ count }) => paths.length >= count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const gate = deferred();
    if (isReleasing) gate.resolve();
    else held.push(gate.resolve);
    await gate.promise;
    response.end(request.url);
  });
  t.after(() => {
    for (const release of held.splice(0)) release();
  });
  return {
    server,
    paths,
    resets,
    stats,
    arrived(count: number): Promise<void> {
      if (paths.length >= count) return Promise.resolve();
      const waiter = deferred();
      waiters.push({ count, resolve: waiter.resolve });
      return waiter.promise;
    },
    releaseAll(): void {
      isReleasing = true;
      for (const release of held.splice(0)) release();
    },
  };
}

// A FuturesSession over an h2c session, both closed when the test ends.
function h2Futures(t: Context, origin: string, options: FuturesSessionOptions): FuturesSession {
  const session = new Session({ baseURL: origin, http2: 'prior-knowledge' });
  const futures = new FuturesSession({ session, ...options });
  t.after(async () => {
    await futures.close({ cancelPending: true });
    await session.close();
  });
  return futures;
}

// Once `limit` streams are held, a request sent on the session beyond the executor (on the same
// h2 session, so after any stream the executor had started) finds no other stream before it.
async function assertHeldAt(
  origin: Awaited<ReturnType<typeof holdingH2>>,
  futures: FuturesSession,
  limit: number,
) {
  await origin.arrived(limit);
  assert.equal((await futures.session.get('/marker')).text, 'marker');
  assert.equal(origin.stats.markerSaw, limit, `streams before the marker`);
}

for (const { name, options, limit } of [
  { name: 'maxPerOrigin', options: { maxWorkers: 8, maxPerOrigin: 2 }, limit: 2 },
  { name: 'maxWorkers', options: { maxWorkers: 3 }, limit: 3 },
] as const) {
  test(`${name} counts h2 streams: at most ${limit} arrive at once, on one connection`, async (t) => {
    const origin = await holdingH2(t);
    const futures = h2Futures(t, origin.server.origin, options);
    const calls = Array.from({ length: 7 }, (_, i) => futures.get(`/${i}`));
    await assertHeldAt(origin, futures, limit);
    assert.equal(origin.stats.active, limit);
    origin.releaseAll();
    const responses = await Promise.all(calls.map((future) => future.result()));
    assert.deepEqual(
      responses.map((response) => response.text),
      Array.from({ length: 7 }, (_, i) => `/${i}`),
    );
    assert.equal(origin.stats.maxActive, limit);
    assert.equal(origin.server.connections, 1);
    assert.equal(origin.server.sessions, 1);
  });
}

test('a future cancelled mid-flight resets its stream (CANCEL); the next request reuses the session', async (t) => {
  const origin = await holdingH2(t);
  const futures = h2Futures(t, origin.server.origin, { maxWorkers: 4 });
  const running = futures.get('/slow');
  await origin.arrived(1);
  assert.equal(running.running(), true);
  assert.equal(running.cancel(), true);
  assert.equal(await origin.resets[0], CANCEL);
  await assert.rejects(running.result(), CancelledError);
  await futures.executor.onIdle();
  assert.equal(futures.executor.active, 0);
  origin.releaseAll();
  assert.equal((await futures.get('/next').result()).text, '/next');
  assert.equal(origin.server.connections, 1);
  assert.equal(origin.server.sessions, 1);
  assert.equal(origin.server.openSessions.size, 1);
});
