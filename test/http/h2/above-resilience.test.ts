import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { cacheOutcome, Hedging, HttpCache } from '../../../src/index.ts';
import { startH2C } from '../../helpers/h2.ts';
import { deferred } from '../../helpers/server.ts';
import { openSession } from '../fixtures.ts';

const CANCEL = 8; // NGHTTP2_CANCEL

test('hedging on h2: the hedge is a second stream on the same session; the loser is reset with CANCEL', {
  timeout: 10_000,
}, async (t) => {
  const firstArrived = deferred();
  const firstClosed = deferred<number>();
  const held = deferred();
  t.after(() => held.resolve());
  let arrivals = 0;
  const server = await startH2C(t, async (request, response) => {
    const n = ++arrivals;
    if (n === 1) {
      request.stream.once('close', () => firstClosed.resolve(request.stream.rstCode));
      firstArrived.resolve();
      await held.promise;
    }
    response.end(String(n));
  });
  const session = openSession(t, {
    baseURL: server.origin,
    http2: 'prior-knowledge',
    policies: [new Hedging({ delay: 40, budget: 1 })],
  });
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const pending = session.get('/');
  await firstArrived.promise;
  mock.timers.tick(39);
  assert.equal(arrivals, 1);
  mock.timers.tick(1);
  assert.equal((await pending).text, '2');
  assert.equal(await firstClosed.promise, CANCEL);
  // One connection carried both copies, and it stays open for the next request.
  assert.equal(server.connections, 1);
  assert.equal(server.sessions, 1);
  assert.equal(server.openSessions.size, 1);
  mock.timers.reset();
  assert.equal((await session.get('/next')).text, '3');
  assert.equal(server.connections, 1);
});

test('the HTTP cache serves an h2 response from cache, then revalidates it on h2 (304)', async (t) => {
  const clock = { now: Date.UTC(2026, 10, 25, 12) };
  const seen: { path: string; ifNoneMatch: string | undefined; httpVersion: string }[] = [];
  const server = await startH2C(t, (request, response) => {
    const ifNoneMatch = request.headers['if-none-match'] as string | undefined;
    seen.push({ path: request.url, ifNoneMatch, httpVersion: request.httpVersion });
    const headers = {
      date: new Date(clock.now).toUTCString(),
      'cache-control': 'max-age=60',
      etag: '"v1"',
    };
    if (ifNoneMatch === '"v1"') response.writeHead(304, headers).end();
    else response.writeHead(200, { ...headers, 'content-type': 'text/plain' }).end('v1');
  });
  const session = openSession(t, {
    baseURL: server.origin,
    http2: 'prior-knowledge',
    retry: false,
    policies: [new HttpCache({ now: () => clock.now })],
  });
  const first = await session.get('/a');
  assert.equal(cacheOutcome(first), 'miss');
  clock.now += 30_000;
  const hit = await session.get('/a');
  assert.equal(cacheOutcome(hit), 'hit');
  assert.equal(hit.text, 'v1');
  assert.equal(hit.headers.age, '30');
  assert.equal(seen.length, 1);
  clock.now += 31_000;
  const revalidated = await session.get('/a');
  assert.equal(cacheOutcome(revalidated), 'revalidated');
  assert.equal(revalidated.text, 'v1');
  assert.equal(revalidated.headers['content-type'], 'text/plain');
  assert.deepEqual(seen, [
    { path: '/a', ifNoneMatch: undefined, httpVersion: '2.0' },
    { path: '/a', ifNoneMatch: '"v1"', httpVersion: '2.0' },
  ]);
  assert.equal(server.sessions, 1);
});

test('coalescing on h2: identical in-flight GETs go out as one stream', async (t) => {
  const arrived = deferred();
  const release = deferred();
  t.after(() => release.resolve());
  let arrivals = 0;
  const server = await startH2C(t, async (request, response) => {
    arrivals++;
    arrived.resolve();
    await release.promise;
    response.end(`${request.url} #${arrivals}`);
  });
  const session = openSession(t, {
    baseURL: server.origin,
    http2: 'prior-knowledge',
    coalesce: true,
  });
  const calls = Array.from({ length: 5 }, () => session.get('/item', { params: { id: 7 } }));
  await arrived.promise;
  release.resolve();
  const responses = await Promise.all(calls);
  assert.deepEqual(
    responses.map((response) => response.text),
    Array.from({ length: 5 }, () => '/item?id=7 #1'),
  );
  assert.notEqual(responses[0], responses[1]); // each caller has its own Response
  assert.equal(arrivals, 1);
  assert.equal(server.sessions, 1);
});
