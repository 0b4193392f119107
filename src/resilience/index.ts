/**
 * The public surface of the resilience layer: the session policies (retry budget, hedging,
 * circuit breaker, rate limit, the HTTP cache and its stores), deadline scopes, and the adaptive concurrency
 * limits an executor takes. Deliberately left out: the cache's rules, keys, entries and RESP
 * client, the limit algorithms and their settings, and the sliding windows the policies count
 * in, which are not API.
 */

export type { CacheInvalidation } from './cache/cache-invalidation.ts';
export type { CacheError, CacheOptions } from './cache/cache-options.ts';
export { CACHE_OUTCOME_HEADER, type CacheOutcome, cacheOutcome } from './cache/cache-outcome.ts';
export type { CacheStore } from './cache/cache-store.ts';
export type { CacheTagSource, TaggedResponse } from './cache/cache-tags.ts';
export { HttpCache } from './cache/http-cache.ts';
export { MemoryStore, type MemoryStoreOptions } from './cache/memory-store.ts';
export type { RedisClientOptions } from './cache/redis-client.ts';
export { RedisStore, type RedisStoreOptions } from './cache/redis-store.ts';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitOutcome,
  type CircuitState,
  type CircuitStateChange,
  type ConsecutiveTrip,
  isServerFailure,
  type RatioTrip,
} from './circuit-breaker.ts';
export { remainingTime, withDeadline } from './deadline.ts';
export { Hedging, type HedgingOptions } from './hedging.ts';
export { AdaptiveLimit, adaptiveLimit, type LimitChangeListener } from './limits/adaptive-limit.ts';
export type {
  AdaptiveLimitOptions,
  AimdOptions,
  CommonLimitOptions,
  GradientOptions,
} from './limits/limit-options.ts';
export { RateLimit, type RateLimitOptions } from './rate-limit.ts';
export type { RateStore } from './rate-store.ts';
export {
  type RateStoreFallback,
  RedisRateStore,
  type RedisRateStoreOptions,
} from './redis/redis-rate-store.ts';
export { RetryBudget, type RetryBudgetOptions, type RetryBudgetStats } from './retry-budget.ts';
