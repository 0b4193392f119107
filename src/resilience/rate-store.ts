import type { Lane } from './rate-lane.ts';

/**
 * Where a {@link RateLimit} keeps its schedules when they must hold across processes: a
 * {@link RedisRateStore}. Without one, each `RateLimit` keeps them in its own process.
 */
export interface RateStore {
  /**
   * @internal The schedule of `key`: grants at most one per `interval` ms, `burst` at once after
   * a quiet time, shared by every process that uses the same store and key.
   */
  lane(key: string, interval: number, burst: number): Lane;
}
