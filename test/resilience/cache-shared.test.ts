import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CacheError,
  cacheOutcome,
  FuturesSession,
  HttpCache,
  InvalidOptionError,
  MemoryStore,
  RedisStore,
  Session,
} from '../../src/index.ts';
import { startRedis } from '../helpers/redis.ts';
import { startServer } from '../helpers/server.ts';

type Context = Parameters<typeof startServer>[0];

/** An origin answering `max-age=60` with a body that counts its requests. */
async function countingOrigin(t: Context) {
  const state = { requests: 0 };
  const server = await startServer(t, (_request, response) => {
    state.requests++;
    response.writeHead(200, { 'cache-control': 'max-age=60' }).end(`v${state.requests}`);
  });
  return { origin: server.origin, state };
}

/** One app instance: a session whose cache lives in the Redis on `port`. */
function instance(t: Context, origin: string, port: number, errors: CacheError[] = []) {
  const store = new RedisStore({ port, reconnectDelay: 0, commandTimeout: 1_000 });
  const session = new Session({
    baseURL: origin,
    retry: false,
    policies: [new HttpCache({ store, onError: (error) => errors.push(error) })],
  });
  t.after(async () => {
    await session.close();
    await store.close();
  });
  return session;
}

test('two app instances share one cache through Redis', async (t) => {
  const redis = await startRedis(t);
  const { origin, state } = await countingOrigin(t);
  const first = instance(t, origin, redis.port);
  const second = instance(t, origin, redis.port);
  assert.equal(cacheOutcome(await first.get('/catalog')), 'miss');
  const shared = await second.get('/catalog');
  assert.deepEqual([cacheOutcome(shared), shared.text], ['hit', 'v1']);
  assert.equal(state.requests, 1);
});

test('a FuturesSession takes the cache as a policy too', async (t) => {
  const redis = await startRedis(t);
  const { origin, state } = await countingOrigin(t);
  const store = new RedisStore({ port: redis.port });
  const futures = new FuturesSession({ baseURL: origin, policies: [new HttpCache({ store })] });
  t.after(async () => {
    await futures.close();
    await store.close();
  });
  assert.equal(cacheOutcome(await futures.get('/')), 'miss');
  const [a, b] = await Promise.all([futures.get('/'), futures.get('/')]);
  assert.deepEqual([cacheOutcome(a), cacheOutcome(b)], ['hit', 'hit']);
  assert.equal(state.requests, 1);
});

test('Redis down mid-test: requests keep working as misses; when it is back, caching resumes', async (t) => {
  const redis = await startRedis(t);
  const { origin, state } = await countingOrigin(t);
  const errors: CacheError[] = [];
  const session = instance(t, origin, redis.port, errors);
  await session.get('/');
  assert.equal(cacheOutcome(await session.get('/')), 'hit');
  await redis.stop();
  const down = await session.get('/');
  assert.deepEqual([down.status, cacheOutcome(down), down.text], [200, 'miss', 'v2']);
  assert.ok(errors.length > 0);
  assert.ok(errors.every((error) => error.code === 'FANOUT_CACHE_STORE'));
  await redis.start();
  // The restarted Redis is empty: one miss stores the response again, then it is a hit.
  assert.equal(cacheOutcome(await session.get('/')), 'miss');
  const back = await session.get('/');
  assert.deepEqual([cacheOutcome(back), back.text], ['hit', 'v3']);
  assert.equal(state.requests, 3);
});

test('a hung Redis: requests go on as misses (the lookup times out, then fails fast); it recovers', async (t) => {
  const redis = await startRedis(t);
  const { origin, state } = await countingOrigin(t);
  const store = new RedisStore({ port: redis.port, commandTimeout: 100, reconnectDelay: 60_000 });
  const session = new Session({ baseURL: origin, policies: [new HttpCache({ store })] });
  t.after(async () => {
    await session.close();
    await store.close();
  });
  await session.get('/');
  redis.pause(); // if the test fails from here, the cleanup's SIGKILL ends it even so
  // The lookup times out: the request goes to the origin. During the reconnect delay the next
  // one does not wait on Redis at all.
  for (let i = 0; i < 2; i++) {
    const response = await session.get('/');
    assert.deepEqual([response.status, cacheOutcome(response)], [200, 'miss']);
  }
  assert.equal(state.requests, 3);
  redis.resume();
  const recovered = new RedisStore({ port: redis.port });
  t.after(() => recovered.close());
  const other = new Session({ baseURL: origin, policies: [new HttpCache({ store: recovered })] });
  t.after(() => other.close());
  assert.equal(cacheOutcome(await other.get('/')), 'hit');
});

test('a RedisStore refuses private responses (the cache must be shared)', async (t) => {
  const redis = await startRedis(t);
  const store = new RedisStore({ port: redis.port });
  t.after(() => store.close());
  assert.throws(
    () => new HttpCache({ store, shared: false }),
    (error: unknown) =>
      error instanceof InvalidOptionError &&
      /`shared` to be true with a shared store/.test(error.message),
  );
  let requests = 0;
  const server = await startServer(t, (_request, response) => {
    requests++;
    response.writeHead(200, { 'cache-control': 'private, max-age=60' }).end();
  });
  const session = new Session({ baseURL: server.origin, policies: [new HttpCache({ store })] });
  t.after(() => session.close());
  await session.get('/');
  await session.get('/');
  assert.equal(requests, 2);
});

test('HttpCache rejects bad options with InvalidOptionError naming them', () => {
  const cases: [unknown, RegExp][] = [
    [{ store: {} }, /`store` to be a CacheStore/],
    [{ store: new MemoryStore(), shared: 'yes' }, /`shared` to be a boolean, got "yes" \(string\)/],
    [{ staleIfError: -1 }, /`staleIfError` to be a finite number >= 0, got -1/],
    [{ staleIfError: Number.NaN }, /`staleIfError`/],
    [{ heuristic: { fraction: 2 } }, /`heuristic.fraction` to be a number from 0 to 1, got 2/],
    [{ heuristic: true }, /`heuristic` to be false or \{ fraction, max \}/],
    [{ maxTTL: 0 }, /`maxTTL` to be a finite number > 0, got 0/],
    [{ onError: 'log' }, /`onError` to be a function/],
    [{ now: 5 }, /`now` to be a function/],
    [null, /`options` to be an object, got null/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => new HttpCache(options as never),
      (error: unknown) => error instanceof InvalidOptionError && message.test(error.message),
      String(message),
    );
  }
});
