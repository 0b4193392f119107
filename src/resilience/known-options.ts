/**
 * The option names of every resilience policy, each held by the compiler to its options type
 * (`satisfies Exhaustive<…>`), for the unknown-option check of its constructor.
 *
 * @internal
 */
import type { Exhaustive } from '../core/exhaustive.ts';
import { type KnownOptions, knownOptions } from '../core/validate.ts';
import type { CacheInvalidation } from './cache/cache-invalidation.ts';
import type { CacheOptions } from './cache/cache-options.ts';
import type { MemoryStoreOptions } from './cache/memory-store.ts';
import type { RedisClientOptions } from './cache/redis-client.ts';
import type { RedisStoreOptions } from './cache/redis-store.ts';
import type { CircuitBreakerOptions, ConsecutiveTrip, RatioTrip } from './circuit-breaker.ts';
import type { HedgingOptions } from './hedging.ts';
import type { AimdOptions, CommonLimitOptions, GradientOptions } from './limits/limit-options.ts';
import type { RateLimitOptions } from './rate-limit.ts';
import type { RedisCommandsOptions } from './redis/redis-adapter.ts';
import type { RedisRateStoreOptions } from './redis/redis-rate-store.ts';
import type { RetryBudgetOptions } from './retry-budget.ts';

/** @internal */
export const RETRY_BUDGET_OPTIONS: KnownOptions = knownOptions('RetryBudget options', {
  ratio: true,
  minPerSecond: true,
  window: true,
  origins: true,
  enabled: true,
} satisfies Exhaustive<RetryBudgetOptions, true>);

/** @internal */
export const HEDGING_OPTIONS: KnownOptions = knownOptions('Hedging options', {
  delay: true,
  percentile: true,
  budget: true,
  window: true,
  methods: true,
  origins: true,
  enabled: true,
} satisfies Exhaustive<HedgingOptions, true>);

/** @internal */
export const RATE_LIMIT_OPTIONS: KnownOptions = knownOptions('RateLimit options', {
  rate: true,
  per: true,
  burst: true,
  key: true,
  maxQueued: true,
  store: true,
  origins: true,
  enabled: true,
} satisfies Exhaustive<RateLimitOptions, true>);

/** @internal */
export const REDIS_RATE_STORE_OPTIONS: KnownOptions = knownOptions('RedisRateStore options', {
  client: true,
  commandTimeout: true,
  prefix: true,
  expectedInstances: true,
  fallback: true,
  onError: true,
} satisfies Exhaustive<RedisRateStoreOptions, true>);

/** @internal */
export const CIRCUIT_BREAKER_OPTIONS: KnownOptions = knownOptions('CircuitBreaker options', {
  trip: true,
  openFor: true,
  halfOpenProbes: true,
  isFailure: true,
  onStateChange: true,
  origins: true,
  enabled: true,
} satisfies Exhaustive<CircuitBreakerOptions, true>);

const CONSECUTIVE_TRIP_NAMES = {
  consecutiveFailures: true,
} as const satisfies Exhaustive<ConsecutiveTrip, true>;
const RATIO_TRIP_NAMES = {
  failureRatio: true,
  window: true,
  minimumThroughput: true,
} as const satisfies Exhaustive<RatioTrip, true>;
const CONSECUTIVE_ONLY = knownOptions(
  'CircuitBreaker trip options of a consecutiveFailures rule',
  CONSECUTIVE_TRIP_NAMES,
);
const RATIO_ONLY = knownOptions(
  'CircuitBreaker trip options of a failureRatio rule',
  RATIO_TRIP_NAMES,
);

/** A `{ consecutiveFailures }` trip: a ratio rule's key says it is one (it would be ignored). @internal */
export const CONSECUTIVE_TRIP_OPTIONS: KnownOptions = knownOptions(
  CONSECUTIVE_ONLY.where,
  CONSECUTIVE_TRIP_NAMES,
  [RATIO_ONLY],
);
/** A `{ failureRatio, window?, minimumThroughput? }` trip. @internal */
export const RATIO_TRIP_OPTIONS: KnownOptions = knownOptions(RATIO_ONLY.where, RATIO_TRIP_NAMES, [
  CONSECUTIVE_ONLY,
]);

const COMMON_LIMIT_OPTIONS = {
  initial: true,
  min: true,
  max: true,
  clock: true,
} as const satisfies Exhaustive<CommonLimitOptions, true>;
const AIMD_NAMES = {
  ...COMMON_LIMIT_OPTIONS,
  algorithm: true,
  backoffRatio: true,
  latencyThreshold: true,
} as const satisfies Exhaustive<AimdOptions, true>;
const GRADIENT_NAMES = {
  ...COMMON_LIMIT_OPTIONS,
  algorithm: true,
  smoothing: true,
  queueSize: true,
  tolerance: true,
  shortWindow: true,
  probeInterval: true,
} as const satisfies Exhaustive<GradientOptions, true>;
const AIMD_ONLY = knownOptions("adaptiveLimit options of algorithm 'aimd'", AIMD_NAMES);
const GRADIENT_ONLY = knownOptions("adaptiveLimit options of algorithm 'gradient'", GRADIENT_NAMES);

/** `adaptiveLimit({ algorithm: 'aimd' })`: a gradient-only name says it is one. @internal */
export const AIMD_OPTIONS: KnownOptions = knownOptions(AIMD_ONLY.where, AIMD_NAMES, [
  GRADIENT_ONLY,
]);
/** `adaptiveLimit({ algorithm: 'gradient' })`: an AIMD-only name says it is one. @internal */
export const GRADIENT_OPTIONS: KnownOptions = knownOptions(GRADIENT_ONLY.where, GRADIENT_NAMES, [
  AIMD_ONLY,
]);

/** @internal */
export const CACHE_OPTIONS: KnownOptions = knownOptions('HttpCache options', {
  store: true,
  shared: true,
  staleIfError: true,
  heuristic: true,
  maxTTL: true,
  onError: true,
  tags: true,
  now: true,
} satisfies Exhaustive<CacheOptions, true>);

/** The keys of `HttpCache#invalidate`'s argument. @internal */
export const CACHE_INVALIDATION_OPTIONS: KnownOptions = knownOptions('HttpCache invalidation', {
  urls: true,
  tags: true,
} satisfies Exhaustive<CacheInvalidation, true>);

/** The keys of the cache's `tags` object. @internal */
export const CACHE_TAG_OPTIONS: KnownOptions = knownOptions('HttpCache tags options', {
  header: true,
} satisfies Exhaustive<
  Exclude<CacheOptions['tags'], ((...args: never) => unknown) | undefined>,
  true
>);

/** The keys of the cache's `heuristic` object. @internal */
export const HEURISTIC_OPTIONS: KnownOptions = knownOptions('HttpCache heuristic options', {
  fraction: true,
  max: true,
} satisfies Exhaustive<Exclude<CacheOptions['heuristic'], false | undefined>, true>);

/** @internal */
export const MEMORY_STORE_OPTIONS: KnownOptions = knownOptions('MemoryStore options', {
  maxEntries: true,
  maxBytes: true,
  now: true,
} satisfies Exhaustive<MemoryStoreOptions, true>);

const REDIS_CLIENT_NAMES = {
  host: true,
  port: true,
  password: true,
  db: true,
  connectTimeout: true,
  commandTimeout: true,
  reconnectDelay: true,
  maxReconnectDelay: true,
} as const satisfies Exhaustive<RedisClientOptions, true>;

/** @internal */
export const REDIS_CLIENT_OPTIONS: KnownOptions = knownOptions(
  'RedisClient options',
  REDIS_CLIENT_NAMES,
);

/** @internal */
export const REDIS_STORE_OPTIONS: KnownOptions = knownOptions('RedisStore options', {
  ...REDIS_CLIENT_NAMES,
  prefix: true,
} satisfies Exhaustive<RedisStoreOptions, true>);

/** @internal */
export const REDIS_COMMANDS_OPTIONS: KnownOptions = knownOptions('Redis options', {
  commandTimeout: true,
} satisfies Exhaustive<RedisCommandsOptions, true>);
