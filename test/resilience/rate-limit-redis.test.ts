/**
 * RateLimit with a RedisRateStore against a real redis-server and real loopback servers: the GCRA
 * script's grants and waits on Redis' clock, two limiters (as two instances) sharing one key, the
 * head-only asking (Redis sees about one script call per grant per instance), and a Redis that is
 * stopped, SIGSTOP-ed and back: the local fallback at rate ÷ expectedInstances, `fallback: 'fail'`,
 * `onError`, and recovery. Times are real (Redis' clock cannot be faked), so only bounds the
 * limiter guarantees are asserted: grants are never closer than the rate allows.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import {
  RateLimit,
  type RateLimitStoreError,
  RedisRateStore,
  type RedisRateStoreOptions,
  RateLimitStoreError as StoreError,
} from '../../src/index.ts';
import { GCRA_SCRIPT } from '../../src/resilience/redis/gcra-script.ts';
import { redisCommands } from '../../src/resilience/redis/redis-adapter.ts';
import { connectedClient, startRedis } from '../helpers/redis.ts';
import { startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

const HANGS = { timeout: 20_000 };
// How much earlier than the rate allows an arrival may be seen: the delay of the first request
// of a run on loopback (the limiter's grants are exact on Redis' clock).
const JITTER = 40;

/** A loopback server that records when each request arrived (`performance.now()`). */
async function recordingServer(t: TestContext) {
  const arrivals: number[] = [];
  const server = await startServer(t, (_request, response) => {
    arrivals.push(performance.now());
    response.end('ok');
  });
  return { origin: server.origin, arrivals };
}

/** The `calls` of the script in Redis' INFO commandstats (EVALSHA and EVAL together). */
async function scriptCalls(client: Awaited<ReturnType<typeof connectedClient>>): Promise<number> {
  const info = await client.info('commandstats');
  let calls = 0;
  for (const match of info.matchAll(/cmdstat_eval(?:sha)?:calls=(\d+)/g)) calls += Number(match[1]);
  return calls;
}

async function storeOn(
  t: TestContext,
  port: number,
  options: Partial<RedisRateStoreOptions> = {},
): Promise<RedisRateStore> {
  const client = await connectedClient(t, port);
  return new RedisRateStore({ client, expectedInstances: 2, commandTimeout: 100, ...options });
}

test('the script: grants, then says how long to wait (µs, on Redis clock); burst is the tolerance; the key expires at its TAT', async (t) => {
  const redis = await startRedis(t);
  const client = await connectedClient(t, redis.port);
  const commands = redisCommands(client);
  const key = 'fanout:rate:{k}';
  assert.equal(await commands.evaluate(GCRA_SCRIPT, [key], ['1000', '0']), 0);
  const wait = await commands.evaluate(GCRA_SCRIPT, [key], ['1000', '0']);
  assert.ok(typeof wait === 'number' && wait > 900_000 && wait <= 1_000_000, String(wait));
  const ttl = await client.pTTL(key);
  assert.ok(ttl > 900 && ttl <= 1_000, `PX at the TAT: ${ttl}`);
  // burst 3 (tolerance 2 × 1000 ms): three at once, then a wait.
  const burst = 'fanout:rate:{b}';
  for (let i = 0; i < 3; i++)
    assert.equal(await commands.evaluate(GCRA_SCRIPT, [burst], ['1000', '2000']), 0);
  assert.ok(((await commands.evaluate(GCRA_SCRIPT, [burst], ['1000', '2000'])) as number) > 0);
});

test(
  'two instances share one key: every grant is interval apart, FIFO in each, and Redis is asked about once per grant per instance',
  HANGS,
  async (t) => {
    const redis = await startRedis(t);
    const { origin, arrivals } = await recordingServer(t);
    const interval = 50;
    const sessions = await Promise.all(
      [0, 1].map(async () => {
        const limit = new RateLimit({ rate: 20, per: 1_000, store: await storeOn(t, redis.port) });
        return openSession(t, { baseURL: origin, retry: false, policies: [limit] });
      }),
    );
    const perInstance = 6;
    const order: string[] = [];
    await Promise.all(
      sessions.flatMap((session, s) =>
        Array.from({ length: perInstance }, (_, i) =>
          session.get(`/${s}/${i}`).then(() => order.push(`${s}/${i}`)),
        ),
      ),
    );
    const grants = 2 * perInstance;
    assert.equal(arrivals.length, grants);
    for (const s of [0, 1]) {
      const mine = order.filter((name) => name.startsWith(`${s}/`));
      assert.deepEqual(
        mine,
        Array.from({ length: perInstance }, (_, i) => `${s}/${i}`),
        'FIFO',
      );
    }
    const span = (arrivals.at(-1) as number) - (arrivals[0] as number);
    assert.ok(span >= (grants - 1) * interval - JITTER, `${grants} grants over ${span} ms`);
    // Each instance's head asks once per grant it gets and once per grant the other took first
    // (and, rarely, once more when its timer fired before Redis' clock reached the TAT).
    const calls = await scriptCalls(await connectedClient(t, redis.port));
    assert.ok(calls >= grants && calls <= 3 * grants, `${calls} script calls for ${grants} grants`);
  },
);

test(
  "Redis stopped: fallback 'local' limits at rate ÷ expectedInstances, onError is told, and the limit is shared again once Redis is back",
  HANGS,
  async (t) => {
    const redis = await startRedis(t);
    const { origin, arrivals } = await recordingServer(t);
    const errors: RateLimitStoreError[] = [];
    const store = await storeOn(t, redis.port, { onError: (error) => errors.push(error) });
    const limit = new RateLimit({ rate: 40, per: 1_000, store });
    const session = openSession(t, { baseURL: origin, retry: false, policies: [limit] });
    await session.get('/shared');
    await redis.stop();
    // 40/s ÷ 2 instances: 50 ms apart locally.
    const local = await Promise.all(Array.from({ length: 5 }, () => session.get('/local')));
    assert.ok(local.every((response) => response.status === 200));
    assert.equal(store.isUp, false);
    assert.ok(errors.length >= 1 && errors[0] instanceof StoreError, String(errors[0]));
    assert.match(errors[0]?.message ?? '', /^Rate limit store failed: /);
    const fallback = arrivals.slice(1);
    const span = (fallback.at(-1) as number) - (fallback[0] as number);
    assert.ok(span >= 4 * 50 - JITTER, `5 local grants over ${span} ms`);
    await redis.start();
    // A probe goes at most once a second, on a request's arrival: ask until it has answered.
    while (!store.isUp) await session.get('/probe');
    const client = await connectedClient(t, redis.port);
    const before = await scriptCalls(client);
    await session.get('/shared-again');
    // At least one script call: the local fallback makes none. (More than one when this request
    // comes within an interval of the probe's grant and Redis first says how long to wait.)
    assert.ok((await scriptCalls(client)) > before, 'the grant came from Redis again');
  },
);

test(
  'Redis SIGSTOP-ed: the grant waits no longer than commandTimeout, then the fallback grants; SIGCONT: shared again',
  HANGS,
  async (t) => {
    const redis = await startRedis(t);
    const { origin } = await recordingServer(t);
    const errors: RateLimitStoreError[] = [];
    const store = await storeOn(t, redis.port, { onError: (error) => errors.push(error) });
    const session = openSession(t, {
      baseURL: origin,
      retry: false,
      policies: [new RateLimit({ rate: 100, store })],
    });
    await session.get('/shared');
    redis.pause();
    const response = await session.get('/while-stopped');
    assert.equal(response.status, 200);
    assert.equal(store.isUp, false);
    assert.match(String(errors[0]?.cause), /timed out|timeout/i);
    redis.resume();
    while (!store.isUp) await session.get('/probe');
    assert.equal((await session.get('/shared-again')).status, 200);
  },
);

test(
  "fallback 'fail': while Redis is down a request fails at once with RateLimitStoreError, unsent, without asking Redis again",
  HANGS,
  async (t) => {
    const redis = await startRedis(t);
    const { origin, arrivals } = await recordingServer(t);
    const errors: RateLimitStoreError[] = [];
    const store = await storeOn(t, redis.port, {
      fallback: 'fail',
      onError: (error) => errors.push(error),
    });
    const session = openSession(t, {
      baseURL: origin,
      retry: false,
      policies: [new RateLimit({ rate: 100, store })],
    });
    await redis.stop();
    for (const path of ['/first', '/second']) {
      const error = await session.get(path).catch((caught: unknown) => caught);
      assert.ok(error instanceof StoreError, String(error));
      assert.equal(error.code, 'FANOUT_RATE_LIMIT_STORE');
      assert.equal(error.request?.url, `${origin}${path}`);
      assert.ok(error.cause instanceof StoreError);
    }
    assert.equal(arrivals.length, 0, 'nothing was sent');
    assert.equal(errors.length, 1, 'the second failed fast: no command was sent for it');
  },
);

test('a store needs maxQueued >= 1, and the options are checked', async (t) => {
  const redis = await startRedis(t);
  const store = await storeOn(t, redis.port);
  assert.throws(() => new RateLimit({ rate: 1, maxQueued: 0, store }), /maxQueued/);
  assert.throws(() => new RateLimit({ rate: 1, store: {} as RedisRateStore }), /`store`/);
  const client = await connectedClient(t, redis.port);
  assert.throws(() => new RedisRateStore({ client }), /`expectedInstances`/);
  assert.throws(
    () => new RedisRateStore({ client, fallback: 'drop' as 'fail' }),
    /Expected `fallback` to be 'local' or 'fail'/,
  );
  assert.throws(() => new RedisRateStore({ client: {} }), /`client`/);
});
