/**
 * Typos are errors in every resilience policy's options: RetryBudget, Hedging, RateLimit, CircuitBreaker
 * and both rules of its `trip`, adaptiveLimit (AIMD and gradient), HttpCache and its
 * `heuristic`, MemoryStore, RedisStore, RedisRateStore and RedisClient (constructed only: nothing connects until
 * a command). An unknown key throws an InvalidOptionError naming it, where it was read and the
 * nearest option; an options object with every key is accepted, held to the registry.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from 'redis';
import {
  type AimdOptions,
  adaptiveLimit,
  type CacheOptions,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type ConsecutiveTrip,
  type GradientOptions,
  Hedging,
  type HedgingOptions,
  HttpCache,
  MemoryStore,
  type MemoryStoreOptions,
  RateLimit,
  type RateLimitOptions,
  type RatioTrip,
  type RedisClientOptions,
  RedisRateStore,
  type RedisRateStoreOptions,
  RedisStore,
  type RedisStoreOptions,
  RetryBudget,
  type RetryBudgetOptions,
} from '../../src/index.ts';
import { RedisClient } from '../../src/resilience/cache/redis-client.ts';
import {
  AIMD_OPTIONS,
  CACHE_OPTIONS,
  CIRCUIT_BREAKER_OPTIONS,
  CONSECUTIVE_TRIP_OPTIONS,
  GRADIENT_OPTIONS,
  HEDGING_OPTIONS,
  HEURISTIC_OPTIONS,
  MEMORY_STORE_OPTIONS,
  RATE_LIMIT_OPTIONS,
  RATIO_TRIP_OPTIONS,
  REDIS_CLIENT_OPTIONS,
  REDIS_RATE_STORE_OPTIONS,
  REDIS_STORE_OPTIONS,
  RETRY_BUDGET_OPTIONS,
} from '../../src/resilience/known-options.ts';
import { assertSameKeys, type EveryKey, unknownOption } from '../helpers/options.ts';

const ORIGINS = ['http://127.0.0.1:8080'];

// A node-redis client that never connects: the stores send nothing until a request asks them.
const UNCONNECTED = createClient({ socket: { port: 1 } });

test('RetryBudget: a typo throws; every key is taken', () => {
  assert.throws(
    () => new RetryBudget({ ratoi: 0.1 } as RetryBudgetOptions),
    unknownOption('Unknown option "ratoi" in RetryBudget options — did you mean "ratio"?'),
  );
  const every: EveryKey<RetryBudgetOptions> = {
    ratio: 0.2,
    minPerSecond: 5,
    window: 10_000,
    origins: ORIGINS,
    enabled: true,
  };
  assertSameKeys(RETRY_BUDGET_OPTIONS, every);
  assert.equal(new RetryBudget(every).enabled, true);
});

test('RateLimit: a typo throws; every key is taken', () => {
  assert.throws(
    () => new RateLimit({ rate: 1, burts: 2 } as RateLimitOptions),
    unknownOption('Unknown option "burts" in RateLimit options — did you mean "burst"?'),
  );
  const every: EveryKey<RateLimitOptions> = {
    rate: 10,
    per: 1_000,
    burst: 2,
    key: (request) => request.origin,
    maxQueued: 100,
    store: new RedisRateStore({ client: UNCONNECTED, fallback: 'fail' }),
    origins: ORIGINS,
    enabled: true,
  };
  assertSameKeys(RATE_LIMIT_OPTIONS, every);
  assert.equal(new RateLimit(every).queued('x'), 0);
});

test('RedisRateStore: a typo throws; every key is taken', () => {
  assert.throws(
    () =>
      new RedisRateStore({
        client: UNCONNECTED,
        expectedInstances: 2,
        fallbak: 'fail',
      } as RedisRateStoreOptions),
    unknownOption('Unknown option "fallbak" in RedisRateStore options — did you mean "fallback"?'),
  );
  const every: EveryKey<RedisRateStoreOptions> = {
    client: UNCONNECTED,
    commandTimeout: 100,
    prefix: 'test:',
    expectedInstances: 4,
    fallback: 'local',
    onError: () => {},
  };
  assertSameKeys(REDIS_RATE_STORE_OPTIONS, every);
  assert.equal(new RedisRateStore(every).isUp, true);
});

test('Hedging: a typo throws; every key is taken', () => {
  assert.throws(
    () => new Hedging({ delai: 50 } as HedgingOptions),
    unknownOption('Unknown option "delai" in Hedging options — did you mean "delay"?'),
  );
  const every: EveryKey<HedgingOptions> = {
    delay: 50,
    percentile: 0.95,
    budget: 0.05,
    window: 10_000,
    methods: ['GET'],
    origins: ORIGINS,
    enabled: true,
  };
  assertSameKeys(HEDGING_OPTIONS, every);
  assert.equal(new Hedging(every).delayFor(ORIGINS[0] as string), 50);
});

test('CircuitBreaker: a typo throws; every key is taken', () => {
  assert.throws(
    () => new CircuitBreaker({ openFr: 1_000 } as CircuitBreakerOptions),
    unknownOption('Unknown option "openFr" in CircuitBreaker options — did you mean "openFor"?'),
  );
  const every: EveryKey<CircuitBreakerOptions> = {
    trip: { consecutiveFailures: 3 },
    openFor: 1_000,
    halfOpenProbes: 1,
    isFailure: (outcome) => outcome.error !== undefined,
    onStateChange: () => {},
    origins: ORIGINS,
    enabled: true,
  };
  assertSameKeys(CIRCUIT_BREAKER_OPTIONS, every);
  assert.equal(new CircuitBreaker(every).enabled, true);
});

test("CircuitBreaker's trip: a typo, or a key of the other rule, throws; every key of each rule is taken", () => {
  const trip = (rule: object) => () => new CircuitBreaker({ trip: rule as ConsecutiveTrip });
  assert.throws(
    trip({ consecutiveFailure: 3 }),
    unknownOption(
      'Unknown option "consecutiveFailure" in CircuitBreaker trip options of a failureRatio rule — did you mean "consecutiveFailures", one of the CircuitBreaker trip options of a consecutiveFailures rule?',
    ),
  );
  assert.throws(
    trip({ failureRatio: 0.5, minimumThroughpt: 10 }),
    unknownOption(
      'Unknown option "minimumThroughpt" in CircuitBreaker trip options of a failureRatio rule — did you mean "minimumThroughput"?',
    ),
  );
  // A ratio key beside `consecutiveFailures` would be ignored: it is an error instead.
  assert.throws(
    trip({ consecutiveFailures: 3, window: 10_000 }),
    unknownOption(
      'Unknown option "window" in CircuitBreaker trip options of a consecutiveFailures rule — it is one of the CircuitBreaker trip options of a failureRatio rule',
    ),
  );
  const consecutive: EveryKey<ConsecutiveTrip> = { consecutiveFailures: 3 };
  const ratio: EveryKey<RatioTrip> = { failureRatio: 0.5, window: 10_000, minimumThroughput: 10 };
  assertSameKeys(CONSECUTIVE_TRIP_OPTIONS, consecutive);
  assertSameKeys(RATIO_TRIP_OPTIONS, ratio);
  assert.doesNotThrow(trip(consecutive));
  assert.doesNotThrow(trip(ratio));
});

test('adaptiveLimit: a typo throws, a key of the other algorithm says so; every key of each is taken', () => {
  assert.throws(
    () => adaptiveLimit({ algorithm: 'gradient', smoothng: 0.2 } as GradientOptions),
    unknownOption(
      'Unknown option "smoothng" in adaptiveLimit options of algorithm \'gradient\' — did you mean "smoothing"?',
    ),
  );
  assert.throws(
    () => adaptiveLimit({ algorithm: 'aimd', smoothing: 0.2 } as AimdOptions),
    unknownOption(
      "Unknown option \"smoothing\" in adaptiveLimit options of algorithm 'aimd' — it is one of the adaptiveLimit options of algorithm 'gradient'",
    ),
  );
  const clock = () => 0;
  const aimd: EveryKey<AimdOptions> = {
    algorithm: 'aimd',
    initial: 10,
    min: 1,
    max: 100,
    clock,
    backoffRatio: 0.9,
    latencyThreshold: 1_000,
  };
  const gradient: EveryKey<GradientOptions> = {
    algorithm: 'gradient',
    initial: 10,
    min: 1,
    max: 100,
    clock,
    smoothing: 0.2,
    queueSize: 4,
    tolerance: 1.2,
    shortWindow: 10,
    probeInterval: 30_000,
  };
  assertSameKeys(AIMD_OPTIONS, aimd);
  assertSameKeys(GRADIENT_OPTIONS, gradient);
  assert.equal(adaptiveLimit(aimd).algorithm, 'aimd');
  assert.equal(adaptiveLimit(gradient).algorithm, 'gradient');
});

test('HttpCache and its heuristic: a typo throws; every key is taken', () => {
  assert.throws(
    () => new HttpCache({ maxTtl: 1_000 } as CacheOptions),
    unknownOption('Unknown option "maxTtl" in HttpCache options — did you mean "maxTTL"?'),
  );
  assert.throws(
    () => new HttpCache({ heuristic: { fracton: 0.1 } } as CacheOptions),
    unknownOption(
      'Unknown option "fracton" in HttpCache heuristic options — did you mean "fraction"?',
    ),
  );
  const heuristic: EveryKey<Exclude<CacheOptions['heuristic'], false | undefined>> = {
    fraction: 0.1,
    max: 60_000,
  };
  const every: EveryKey<CacheOptions> = {
    store: new MemoryStore(),
    shared: true,
    staleIfError: 1_000,
    heuristic,
    maxTTL: 60_000,
    onError: () => {},
    tags: { header: 'cache-tag' },
    now: () => 0,
  };
  assertSameKeys(HEURISTIC_OPTIONS, heuristic);
  assertSameKeys(CACHE_OPTIONS, every);
  assert.equal(new HttpCache(every).name, 'cache');
});

test('MemoryStore: a typo throws; every key is taken', () => {
  assert.throws(
    () => new MemoryStore({ maxEntry: 10 } as MemoryStoreOptions),
    unknownOption('Unknown option "maxEntry" in MemoryStore options — did you mean "maxEntries"?'),
  );
  const every: EveryKey<MemoryStoreOptions> = { maxEntries: 10, maxBytes: 1_000_000, now: () => 0 };
  assertSameKeys(MEMORY_STORE_OPTIONS, every);
  assert.equal(new MemoryStore(every).isShared, false);
});

test('RedisStore and RedisClient: a typo throws; every key is taken (nothing connects)', () => {
  assert.throws(
    () => new RedisStore({ prefx: 'app:' } as RedisStoreOptions),
    unknownOption('Unknown option "prefx" in RedisStore options — did you mean "prefix"?'),
  );
  assert.throws(
    () => new RedisClient({ hots: '127.0.0.1' } as RedisClientOptions),
    unknownOption('Unknown option "hots" in RedisClient options — did you mean "host"?'),
  );
  const client: EveryKey<RedisClientOptions> = {
    host: '127.0.0.1',
    port: 6379,
    password: 'secret',
    db: 1,
    connectTimeout: 1_000,
    commandTimeout: 500,
    reconnectDelay: 100,
    maxReconnectDelay: 1_000,
  };
  const store: EveryKey<RedisStoreOptions> = { ...client, prefix: 'app:' };
  assertSameKeys(REDIS_CLIENT_OPTIONS, client);
  assertSameKeys(REDIS_STORE_OPTIONS, store);
  assert.equal(new RedisStore(store).isShared, true);
  assert.ok(new RedisClient(client) instanceof RedisClient);
});
