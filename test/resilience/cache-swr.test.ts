import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CacheError,
  CacheRefreshError,
  type CacheStore,
  cacheOutcome,
  HttpCache,
  MemoryStore,
  type RequestRecord,
  Session,
  type SessionPolicy,
  Trace,
} from '../../src/index.ts';
import { type Deferred, deferred, startServer } from '../helpers/server.ts';

type Context = Parameters<typeof startServer>[0];

/** What the origin answers to one request; `hold` keeps it back until the test resolves it. */
interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  hold?: Promise<void>;
  drop?: boolean;
}

/** A MemoryStore whose writes a test can wait for. */
class WatchedStore extends MemoryStore implements CacheStore {
  #written: Deferred<string> = deferred<string>();

  override async set(key: string, value: Uint8Array, ttl: number): Promise<void> {
    await super.set(key, value, ttl);
    const written = this.#written;
    this.#written = deferred<string>();
    written.resolve(key);
  }

  /** Settles with the key of the next write. */
  nextWrite(): Promise<string> {
    return this.#written.promise;
  }
}

/**
 * An origin that stamps `Date` from a fake clock and counts the requests that reach it, with a
 * cache on that clock whose store signals its writes and whose `onError` collects errors.
 */
async function setup(t: Context, respond: (n: number, ifNoneMatch?: string) => Answer) {
  const clock = { now: Date.UTC(2026, 10, 25, 12) };
  const arrivals: (string | undefined)[] = [];
  const server = await startServer(t, async (request, response) => {
    const ifNoneMatch = request.headers['if-none-match'];
    arrivals.push(ifNoneMatch);
    const answer = respond(arrivals.length, ifNoneMatch);
    await answer.hold;
    if (answer.drop === true) {
      request.socket.destroy();
      return;
    }
    response.writeHead(answer.status ?? 200, {
      date: new Date(clock.now).toUTCString(),
      ...answer.headers,
    });
    response.end(answer.body ?? '');
  });
  const store = new WatchedStore({ now: () => clock.now });
  const errors: CacheError[] = [];
  let failed = deferred<CacheError>();
  const cache = new HttpCache({
    store,
    now: () => clock.now,
    onError: (error) => {
      errors.push(error);
      failed.resolve(error);
      failed = deferred<CacheError>();
    },
  });
  // Counts the attempts the cache passes on, as it passes them: a refresh is counted when sent.
  const sent = { count: 0, answered: deferred() };
  const counter: SessionPolicy = {
    name: 'counter',
    async attempt(state, next) {
      sent.count++;
      const response = await next(state.request);
      sent.answered.resolve();
      return response;
    },
  };
  const session = new Session({
    baseURL: server.origin,
    retry: false,
    policies: [cache, counter],
  });
  t.after(() => session.close());
  const advance = (ms: number) => {
    clock.now += ms;
  };
  const nextError = () => failed.promise;
  // Settles once the next attempt's answer has reached the cache and the cache has acted on it:
  // what the cache does with an answer runs in microtasks (a MemoryStore does no I/O), all of
  // which drain before the setImmediate callback.
  const nextAnswerHandled = async () => {
    sent.answered = deferred();
    await sent.answered.promise;
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return {
    arrivals,
    sent,
    session,
    store,
    cache,
    errors,
    nextError,
    nextAnswerHandled,
    advance,
    origin: server.origin,
  };
}

const SWR = 'max-age=10, stale-while-revalidate=30';

test('stale-while-revalidate: stale callers are served at once while one refresh, held by the origin, runs; its answer is stored', async (t) => {
  let refresh = deferred();
  const arrived = deferred();
  const { arrivals, sent, session, store, advance } = await setup(t, (n) => {
    if (n === 2) arrived.resolve();
    return { headers: { 'cache-control': SWR }, body: `v${n}`, hold: refresh.promise };
  });
  const first = store.nextWrite();
  refresh.resolve();
  assert.equal((await session.get('/')).text, 'v1');
  await first;
  refresh = deferred();
  advance(15_000);
  // Three callers while the origin holds the one refresh: none of them waits for it.
  const stale = await Promise.all([session.get('/'), session.get('/'), session.get('/')]);
  assert.deepEqual(
    stale.map((response) => [cacheOutcome(response), response.text, response.headers.age]),
    [
      ['stale', 'v1', '15'],
      ['stale', 'v1', '15'],
      ['stale', 'v1', '15'],
    ],
  );
  assert.equal(sent.count, 2, 'one background refresh for the three callers');
  await arrived.promise;
  const refreshed = store.nextWrite();
  refresh.resolve();
  await refreshed;
  const hit = await session.get('/');
  assert.deepEqual([cacheOutcome(hit), hit.text], ['hit', 'v2']);
  assert.equal(sent.count, 2);
  assert.equal(arrivals.length, 2);
});

test('stale-while-revalidate with an ETag: the background refresh is conditional and a 304 freshens the entry', async (t) => {
  const { arrivals, session, store, advance } = await setup(t, (n, ifNoneMatch) =>
    ifNoneMatch === '"a"'
      ? { status: 304, headers: { etag: '"a"', 'cache-control': SWR, 'x-version': String(n) } }
      : { headers: { etag: '"a"', 'cache-control': SWR, 'x-version': '1' }, body: 'body' },
  );
  const first = store.nextWrite();
  await session.get('/');
  await first;
  advance(11_000);
  const refreshed = store.nextWrite();
  const stale = await session.get('/');
  assert.deepEqual([cacheOutcome(stale), stale.headers['x-version']], ['stale', '1']);
  await refreshed;
  assert.deepEqual(arrivals, [undefined, '"a"']);
  const hit = await session.get('/');
  assert.deepEqual([cacheOutcome(hit), hit.text, hit.headers['x-version']], ['hit', 'body', '2']);
  assert.equal(hit.headers.age, '0');
});

test('past the stale-while-revalidate window the caller waits for the origin', async (t) => {
  const { arrivals, session, store, advance } = await setup(t, (n) => ({
    headers: { 'cache-control': SWR },
    body: `v${n}`,
  }));
  const first = store.nextWrite();
  await session.get('/');
  await first;
  advance(41_000);
  const miss = await session.get('/');
  assert.deepEqual([cacheOutcome(miss), miss.text], ['miss', 'v2']);
  assert.equal(arrivals.length, 2);
});

test('a failed background refresh reaches onError only; the stale entry stays and the next caller refreshes again', async (t) => {
  const { arrivals, session, store, errors, nextError, advance } = await setup(t, (n) =>
    n === 2
      ? { status: 503, body: 'down' }
      : n === 3
        ? { drop: true }
        : { headers: { 'cache-control': SWR }, body: `v${n}` },
  );
  const first = store.nextWrite();
  await session.get('/');
  await first;
  advance(12_000);
  const failed = nextError();
  const stale = await session.get('/');
  assert.deepEqual([stale.status, cacheOutcome(stale), stale.text], [200, 'stale', 'v1']);
  const error = await failed;
  assert.ok(error instanceof CacheRefreshError);
  assert.equal(error.code, 'FANOUT_CACHE_REFRESH');
  assert.match(
    error.message,
    /Background revalidation failed \(HTTP 503\): GET http:\/\/127\.0\.0\.1:\d+\//,
  );
  // The key is free again: the next stale caller starts a new refresh (whose connection drops).
  const dropped = nextError();
  const again = await session.get('/');
  assert.deepEqual([cacheOutcome(again), again.text], ['stale', 'v1']);
  const second = await dropped;
  assert.equal(second.code, 'FANOUT_CACHE_REFRESH');
  assert.equal((second.cause as { code?: string }).code, 'FANOUT_CONNECTION');
  assert.equal(errors.length, 2);
  assert.equal(arrivals.length, 3);
});

test('must-revalidate, no-cache and a request max-age refuse stale-while-revalidate', async (t) => {
  for (const [control, requestControl] of [
    [`${SWR}, must-revalidate`, undefined],
    [`${SWR}, no-cache`, undefined],
    [SWR, 'max-age=5'],
  ] as const) {
    const { arrivals, session, store, advance } = await setup(t, (n) => ({
      headers: { 'cache-control': control },
      body: `v${n}`,
    }));
    const first = store.nextWrite();
    await session.get('/');
    await first;
    advance(12_000);
    const headers = requestControl === undefined ? {} : { 'cache-control': requestControl };
    const response = await session.get('/', { headers });
    assert.deepEqual([cacheOutcome(response), response.text], ['miss', 'v2'], control);
    assert.equal(arrivals.length, 2);
  }
});

test('the trace records a stale-while-revalidate answer as stale, with its cause', async (t) => {
  const { session, store, advance } = await setup(t, (n) => ({
    headers: { 'cache-control': SWR },
    body: `v${n}`,
  }));
  const first = store.nextWrite();
  await session.get('/');
  await first;
  advance(12_000);
  const trace = new Trace();
  const refreshed = store.nextWrite();
  await trace.run(() => session.get('/'));
  await refreshed;
  const [record] = trace.requests as [RequestRecord];
  assert.deepEqual(
    record.events.map(({ policy, type, detail }) => [policy, type, detail]),
    [['cache', 'stale', { age: 12, cause: 'stale-while-revalidate' }]],
  );
  assert.deepEqual(
    trace.summary().perRequest.map((request) => request.cache),
    ['stale'],
  );
});

test('an invalidation while a background refresh is in flight drops its answer: older than the invalidation, it is not stored', async (t) => {
  let hold = deferred();
  const arrived = deferred();
  const { session, cache, store, advance, origin, nextAnswerHandled } = await setup(t, (n) => {
    if (n === 2) arrived.resolve();
    return { headers: { 'cache-control': SWR }, body: `v${n}`, hold: hold.promise };
  });
  hold.resolve();
  const first = store.nextWrite();
  await session.get('/');
  await first;
  hold = deferred();
  advance(12_000);
  const stale = await session.get('/');
  assert.deepEqual([cacheOutcome(stale), stale.text], ['stale', 'v1']);
  await arrived.promise;
  await cache.invalidate({ urls: [`${origin}/`] });
  const landed = nextAnswerHandled();
  hold.resolve();
  await landed;
  const fetched = await session.get('/');
  assert.deepEqual([cacheOutcome(fetched), fetched.text], ['miss', 'v3']);
});
