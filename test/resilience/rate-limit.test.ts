/**
 * RateLimit on a fake clock (setTimeout and performance.now, moved only by ticks) against real
 * loopback servers: a server records the fake time each request reaches it, which is the time the
 * limiter granted it, since the clock never moves on its own.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import {
  CancelledError,
  InvalidOptionError,
  QueueFullError,
  RateLimit,
  type RateLimitOptions,
  type Session,
  SessionClosedError,
  TimeoutError,
  Trace,
} from '../../src/index.ts';
import { serverPause } from '../../src/resilience/rate-limit-signals.ts';
import { type FakeTimers, fakeTimers, settle } from '../helpers/fake-timers.ts';
import { type Deferred, deferred, startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

// A request that never comes fails its test instead of hanging the file.
const HANGS = { timeout: 10_000 };

// The fake time servers record arrivals at: the clock of the running test (tests run serially).
let fakeNow = () => 0;

/**
 * setTimeout and performance.now on one fake clock, until `t` ends. Installed once the test's
 * server and session exist, as the other fake-clock tests do.
 */
function fakeClock(t: TestContext): FakeTimers {
  const clock = fakeTimers(t);
  const base = performance.now();
  t.mock.method(performance, 'now', () => base + clock.now);
  fakeNow = () => clock.now;
  return clock;
}

/** A server that records each request's path and the fake time it arrived; `answer` replies. */
async function recordingServer(
  t: TestContext,
  answer: (request: IncomingMessage, response: ServerResponse) => void = (_q, response) =>
    response.end(),
) {
  const seen: { path: string; at: number }[] = [];
  const arrivals: Deferred<void>[] = [];
  const arrived = (n: number) => {
    while (arrivals.length <= n) arrivals.push(deferred());
    return (arrivals[n] as Deferred<void>).promise;
  };
  const server = await startServer(t, (request, response) => {
    seen.push({ path: request.url ?? '', at: fakeNow() });
    arrived(seen.length);
    arrivals[seen.length]?.resolve();
    answer(request, response);
  });
  return { server, seen, arrived };
}

/** Resolves once `limit` has `count` requests waiting under `key` (the limiter's own state). */
async function queuedUntil(limit: RateLimit, key: string, count: number): Promise<void> {
  while (limit.queued(key) !== count) await settle();
}

function makeSession(t: TestContext, origin: string, limit: RateLimit, options = {}): Session {
  return openSession(t, { baseURL: origin, retry: false, policies: [limit], ...options });
}

test(
  'rate limit: requests over the rate wait and go out spaced per / rate apart, in order',
  HANGS,
  async (t) => {
    const { server, seen, arrived } = await recordingServer(t);
    const limit = new RateLimit({ rate: 10, per: 1_000 });
    const session = makeSession(t, server.origin, limit);
    const clock = fakeClock(t);
    const pending = [1, 2, 3, 4, 5].map((n) => session.get(`/${n}`));
    await arrived(1);
    await queuedUntil(limit, server.origin, 4);
    for (let n = 2; n <= 5; n++) {
      clock.tick(99);
      await settle();
      assert.equal(seen.length, n - 1, `request ${n} is not sent before its turn`);
      clock.tick(1);
      await arrived(n);
    }
    await Promise.all(pending);
    assert.deepEqual(seen, [
      { path: '/1', at: 0 },
      { path: '/2', at: 100 },
      { path: '/3', at: 200 },
      { path: '/4', at: 300 },
      { path: '/5', at: 400 },
    ]);
  },
);

test(
  'rate limit: burst lets an idle key send that many at once, then the steady pace',
  HANGS,
  async (t) => {
    const { server, seen, arrived } = await recordingServer(t);
    const limit = new RateLimit({ rate: 10, burst: 3 });
    const session = makeSession(t, server.origin, limit);
    const clock = fakeClock(t);
    const first = [1, 2, 3, 4].map((n) => session.get(`/${n}`));
    await arrived(3);
    await queuedUntil(limit, server.origin, 1);
    clock.tick(100);
    await Promise.all(first);
    // Quiet for long enough to earn the whole burst back: three go at once again.
    clock.tick(1_000);
    await Promise.all([5, 6, 7].map((n) => session.get(`/${n}`)));
    assert.deepEqual(
      seen.map(({ at }) => at),
      [0, 0, 0, 100, 1_100, 1_100, 1_100],
    );
  },
);

test(
  'rate limit: keys are independent, per origin by default and per `key` when given',
  HANGS,
  async (t) => {
    const a = await recordingServer(t);
    const b = await recordingServer(t);
    const perOrigin = new RateLimit({ rate: 1 });
    const session = openSession(t, { retry: false, policies: [perOrigin] });
    const clock = fakeClock(t);
    await session.get(`${a.server.origin}/`);
    await session.get(`${b.server.origin}/`);
    assert.equal(perOrigin.queued(a.server.origin), 0);
    const tenants = new RateLimit({
      rate: 1,
      key: (request) => String(request.headers['x-tenant']),
    });
    const byTenant = makeSession(t, a.server.origin, tenants);
    const get = (tenant: string) => byTenant.get('/', { headers: { 'x-tenant': tenant } });
    await get('one');
    await get('two');
    const later = get('one');
    await queuedUntil(tenants, 'one', 1);
    assert.equal(tenants.queued('two'), 0);
    clock.tick(1_000);
    await later;
    assert.deepEqual(
      a.seen.map(({ at }) => at),
      [0, 0, 0, 1_000],
    );
    assert.deepEqual(
      b.seen.map(({ at }) => at),
      [0],
    );
  },
);

test(
  'rate limit: the total timeout ends a wait with TimeoutError phase rate-limit, unsent',
  HANGS,
  async (t) => {
    const { server, seen } = await recordingServer(t);
    const limit = new RateLimit({ rate: 1 });
    const session = makeSession(t, server.origin, limit);
    const clock = fakeClock(t);
    await session.get('/1');
    const late = session.get('/2', { timeout: { total: 300 } }).catch((error: unknown) => error);
    await queuedUntil(limit, server.origin, 1);
    clock.tick(300);
    const error = await late;
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.phase, 'rate-limit');
    assert.equal(error.timeout, 300);
    assert.equal(error.dueAt, undefined);
    assert.match(
      error.message,
      /Timed out after 300 ms \(phase: rate-limit, limit: timeout.total\): GET http:\/\/.*\/2/,
    );
    assert.equal(limit.queued(server.origin), 0);
    clock.tick(2_000);
    await settle();
    assert.deepEqual(
      seen.map(({ path }) => path),
      ['/1'],
    );
  },
);

test(
  'rate limit: a deadline ends a wait the same way, with the deadline as dueAt',
  HANGS,
  async (t) => {
    const { server, seen } = await recordingServer(t);
    const limit = new RateLimit({ rate: 1 });
    const session = makeSession(t, server.origin, limit);
    const clock = fakeClock(t);
    await session.get('/1');
    const late = session.get('/2', { deadline: 200 }).catch((error: unknown) => error);
    const dueAt = performance.now() + 200;
    await queuedUntil(limit, server.origin, 1);
    clock.tick(200);
    const error = await late;
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.phase, 'rate-limit');
    assert.equal(error.dueAt, dueAt);
    assert.ok(error.cause instanceof TimeoutError && error.cause.phase === 'deadline');
    assert.equal(seen.length, 1);
  },
);

test(
  'rate limit: beyond maxQueued a request fails at once with QueueFullError, unsent',
  HANGS,
  async (t) => {
    const { server, seen, arrived } = await recordingServer(t);
    const limit = new RateLimit({ rate: 10, maxQueued: 1 });
    const session = makeSession(t, server.origin, limit);
    const clock = fakeClock(t);
    await session.get('/1');
    const waiting = session.get('/2');
    await queuedUntil(limit, server.origin, 1);
    const error = await session.get('/3').catch((failure: unknown) => failure);
    assert.ok(error instanceof QueueFullError);
    assert.equal(error.code, 'FANOUT_QUEUE_FULL');
    assert.match(error.message, /maxQueued 1.*: GET http:\/\/.*\/3/);
    clock.tick(100);
    await waiting;
    await arrived(2);
    assert.deepEqual(
      seen.map(({ path }) => path),
      ['/1', '/2'],
    );
  },
);

test(
  'rate limit: a cancelled waiter leaves the queue at once; the next takes its turn',
  HANGS,
  async (t) => {
    const { server, seen } = await recordingServer(t);
    const limit = new RateLimit({ rate: 10 });
    const session = makeSession(t, server.origin, limit);
    const clock = fakeClock(t);
    await session.get('/1');
    const controller = new AbortController();
    const cancelled = session
      .get('/2', { signal: controller.signal })
      .catch((error: unknown) => error);
    const third = session.get('/3');
    await queuedUntil(limit, server.origin, 2);
    controller.abort();
    assert.ok((await cancelled) instanceof CancelledError);
    assert.equal(limit.queued(server.origin), 1);
    clock.tick(100);
    await third;
    assert.deepEqual(seen, [
      { path: '/1', at: 0 },
      { path: '/3', at: 100 },
    ]);
  },
);

test(
  'rate limit: close() fails the waiters at once with SessionClosedError, unsent',
  HANGS,
  async (t) => {
    const { server, seen } = await recordingServer(t);
    const limit = new RateLimit({ rate: 1 });
    const session = makeSession(t, server.origin, limit);
    fakeClock(t);
    await session.get('/1');
    const waiting = session.get('/2').catch((error: unknown) => error);
    await queuedUntil(limit, server.origin, 1);
    await session.close();
    assert.ok((await waiting) instanceof SessionClosedError);
    assert.equal(limit.queued(server.origin), 0);
    assert.equal(seen.length, 1);
  },
);

test('rate limit: Retry-After on a 429 pauses the key until then', HANGS, async (t) => {
  let status = 429;
  const { server, seen, arrived } = await recordingServer(t, (_request, response) => {
    response.writeHead(status, status === 429 ? { 'retry-after': '2' } : {}).end();
  });
  const limit = new RateLimit({ rate: 10 });
  const session = makeSession(t, server.origin, limit);
  const clock = fakeClock(t);
  const trace = new Trace();
  assert.equal((await trace.run(() => session.get('/1'))).status, 429);
  assert.deepEqual(
    trace.requests[0]?.events.map(({ policy, type, detail }) => ({ policy, type, detail })),
    [{ policy: 'rate-limit', type: 'paused', detail: { pause: 2_000 } }],
  );
  status = 200;
  const next = session.get('/2');
  await queuedUntil(limit, server.origin, 1);
  clock.tick(1_999);
  await settle();
  assert.equal(seen.length, 1);
  clock.tick(1);
  await arrived(2);
  assert.equal((await next).status, 200);
  assert.deepEqual(
    seen.map(({ at }) => at),
    [0, 2_000],
  );
});

test(
  'rate limit: RateLimit r=0 and X-RateLimit-Remaining 0 pause the key until the reset',
  HANGS,
  async (t) => {
    const headers: Record<string, string>[] = [
      { ratelimit: '"default";r=0;t=3' },
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
      {},
    ];
    const { server, seen, arrived } = await recordingServer(t, (_request, response) => {
      response.writeHead(200, headers[seen.length - 1]).end();
    });
    const limit = new RateLimit({ rate: 10 });
    const session = makeSession(t, server.origin, limit);
    const clock = fakeClock(t);
    await session.get('/1');
    const second = session.get('/2');
    await queuedUntil(limit, server.origin, 1);
    clock.tick(3_000);
    await second;
    const third = session.get('/3');
    await queuedUntil(limit, server.origin, 1);
    clock.tick(999);
    await settle();
    assert.equal(seen.length, 2);
    clock.tick(1);
    await arrived(3);
    await third;
    assert.deepEqual(
      seen.map(({ at }) => at),
      [0, 3_000, 4_000],
    );
  },
);

test('serverPause: which headers are read, and how', () => {
  const now = Date.UTC(2030, 0, 1);
  const at = (seconds: number) => new Date(now + seconds * 1000).toUTCString();
  assert.equal(serverPause(429, { 'retry-after': '5' }, now), 5_000);
  assert.equal(serverPause(503, { 'retry-after': at(7) }, now), 7_000);
  assert.equal(serverPause(301, { 'retry-after': '5' }, now), undefined, 'not on a redirect');
  assert.equal(serverPause(200, { ratelimit: '"a";r=5;t=9, "b";r=0;t=4' }, now), 4_000);
  assert.equal(serverPause(200, { ratelimit: '"a";r=1;t=9' }, now), undefined);
  assert.equal(serverPause(200, { ratelimit: 'limit=100, remaining=0, reset=6' }, now), 6_000);
  assert.equal(
    serverPause(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '8' }, now),
    8_000,
  );
  assert.equal(
    serverPause(
      200,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 3) },
      now,
    ),
    3_000,
    'a Unix time in seconds',
  );
  assert.equal(
    serverPause(200, { 'x-ratelimit-remaining': '2', 'x-ratelimit-reset': '3' }, now),
    undefined,
  );
  assert.equal(
    serverPause(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'soon' }, now),
    undefined,
  );
  assert.equal(
    serverPause(
      429,
      { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '9' },
      now,
    ),
    9_000,
    'the longest pause wins',
  );
});

test('rate limit: bad options are InvalidOptionErrors naming the option', () => {
  const bad: [unknown, RegExp][] = [
    [undefined, /Expected `options` to be an object/],
    [{}, /Expected `rate` to be a finite number > 0, got undefined/],
    [{ rate: 0 }, /Expected `rate` to be a finite number > 0, got 0 \(number\)/],
    [{ rate: -1 }, /`rate`/],
    [{ rate: Number.NaN }, /`rate`/],
    [{ rate: Number.POSITIVE_INFINITY }, /`rate`/],
    [{ rate: '10' }, /got "10" \(string\)/],
    [{ rate: 5e-324 }, /`rate` to be a number that spaces requests by a finite time/],
    [{ rate: 1, per: Number.POSITIVE_INFINITY }, /`per` to be a finite number > 0/],
    [{ rate: 1, per: 0 }, /`per`/],
    [{ rate: 1, burst: 0 }, /`burst` to be an integer >= 1/],
    [{ rate: 1, burst: 1.5 }, /`burst`/],
    [{ rate: 1, maxQueued: -1 }, /`maxQueued` to be a non-negative integer or Infinity/],
    [{ rate: 1, key: 'x-tenant' }, /`key` to be a function/],
    [{ rate: 1, origins: 'http://x' }, /`origins`/],
    [{ rate: 1, rat: 2 }, /Unknown option "rat" in RateLimit options — did you mean "rate"\?/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => new RateLimit(options as RateLimitOptions),
      (error: unknown) => error instanceof InvalidOptionError && message.test(error.message),
      String(message),
    );
  }
});

test(
  'rate limit: a key function that returns no string fails the request, unsent',
  HANGS,
  async (t) => {
    const { server, seen } = await recordingServer(t);
    const limit = new RateLimit({ rate: 1, key: () => 7 as unknown as string });
    const session = makeSession(t, server.origin, limit);
    await assert.rejects(
      session.get('/'),
      /Expected the `key` function to be returning a string, got 7/,
    );
    assert.equal(seen.length, 0);
  },
);

test(
  'rate limit: a switched-off limit and an origin outside `origins` are not limited',
  HANGS,
  async (t) => {
    const { server, seen } = await recordingServer(t);
    const off = new RateLimit({ rate: 1, enabled: false });
    const elsewhere = new RateLimit({ rate: 1, origins: ['http://other.example'] });
    fakeClock(t);
    for (const limit of [off, elsewhere]) {
      const session = makeSession(t, server.origin, limit);
      await Promise.all([session.get('/'), session.get('/')]);
    }
    assert.deepEqual(
      seen.map(({ at }) => at),
      [0, 0, 0, 0],
    );
  },
);

test(
  'rate limit: the wait is in the trace: the record, the HAR blocked, the waterfall, the summary',
  HANGS,
  async (t) => {
    const { server, arrived } = await recordingServer(t);
    const limit = new RateLimit({ rate: 10 });
    const session = makeSession(t, server.origin, limit);
    const clock = fakeClock(t);
    const trace = new Trace();
    const calls = trace.run(() => [
      session.get('/1'),
      session.get('/2'),
      session.get('/3', { timeout: { total: 150 } }).catch((error: unknown) => error),
    ]);
    await arrived(1);
    await queuedUntil(limit, server.origin, 2);
    clock.tick(100);
    await arrived(2);
    clock.tick(50);
    const [, , timedOut] = await Promise.all(calls);
    assert.ok(timedOut instanceof TimeoutError && timedOut.phase === 'rate-limit');
    const [first, second, third] = trace.requests;
    assert.deepEqual(
      [first, second, third].map((record) => record?.rateLimited),
      [0, 100, 150],
    );
    assert.equal(first?.attempts[0]?.limitedAt, undefined);
    const waited = second?.attempts[0];
    assert.equal(waited?.limitedAt, 0);
    assert.equal(waited?.startedAt, 100);
    assert.equal(third?.attempts.length, 0, 'never sent');
    const entries = trace.toHAR().log.entries;
    assert.deepEqual(
      entries.map(({ _requestId, _limited }) => ({ _requestId, _limited })),
      [
        { _requestId: 1, _limited: 0 },
        { _requestId: 2, _limited: 100 },
      ],
    );
    assert.ok((entries[1]?.timings.blocked ?? 0) >= 100, 'the wait is part of blocked');
    assert.equal(entries[1]?.startedDateTime, entries[0]?.startedDateTime);
    assert.equal(trace.summary().rateLimited, 250);
    assert.match(trace.waterfall(), /class="phase phase-limited"/);
  },
);
