import { performance } from 'node:perf_hooks';
import { checkFunction, checkInteger, checkOneOf } from '../../core/checks.ts';
import { checkKnownOptions, fail, ownOptions } from '../../core/validate.ts';
import { RateLimitStoreError } from '../../errors/rate-limit-store-error.ts';
import { REDIS_RATE_STORE_OPTIONS } from '../known-options.ts';
import type { Lane } from '../rate-lane.ts';
import type { RateStore } from '../rate-store.ts';
import { type Grants, type GrantsMode, SharedRateLane } from '../shared-rate-lane.ts';
import { GCRA_SCRIPT } from './gcra-script.ts';
import { type RedisCommandsOptions, redisCommands } from './redis-adapter.ts';
import type { RedisCommands } from './redis-commands.ts';

/** What a {@link RateLimit} with a {@link RedisRateStore} does while Redis fails. */
export type RateStoreFallback = 'local' | 'fail';

/** Options of {@link RedisRateStore}. */
export interface RedisRateStoreOptions extends RedisCommandsOptions {
  /**
   * The Redis client the limits are kept on, connected by you: a node-redis client
   * (`createClient()`, `createCluster()`, `createSentinel()`). fanout only sends commands on it
   * and never closes it.
   */
  client: object;
  /** Prepended to every key, so several limits can share one Redis. @default 'fanout:rate:' */
  prefix?: string;
  /**
   * How many instances share the limits: while Redis fails, each limits on its own at
   * `rate ÷ expectedInstances` (and `burst ÷ expectedInstances`, rounded up), so the fleet as a
   * whole keeps about the rate. Required with `fallback: 'local'`.
   */
  expectedInstances?: number;
  /**
   * While Redis fails: `'local'` limits each instance on its own (see `expectedInstances`);
   * `'fail'` fails each request at once with a {@link RateLimitStoreError}, unsent.
   * @default 'local'
   */
  fallback?: RateStoreFallback;
  /** Told of each Redis command that failed (the grant it asked for, or a probe while down). */
  onError?: (error: RateLimitStoreError) => void;
}

// While Redis is down, it is probed (in the background, on a request's arrival) at most this often.
const PROBE_EVERY = 1_000;

/** Whether Redis answers; while it does not, when it may next be probed. */
type Health =
  | { readonly state: 'up' }
  | { readonly state: 'down'; error: RateLimitStoreError; probeAt: number; isProbing: boolean };

/**
 * Rate limits kept in Redis, so that every instance of an app shares them: give the same store
 * (a store on the same Redis and `prefix`) to the `RateLimit` of each instance.
 *
 * Each grant is one round trip: a Lua script that runs GCRA on the key's theoretical arrival
 * time, on Redis' own clock, and either grants (moving it on) or says how long to wait. Requests
 * of one key wait in their process's queue, first in first out, and only the head asks Redis:
 * told to wait, it sleeps that long on a timer and asks again, so Redis sees about one request
 * per process per grant, never a polling storm.
 *
 * When a command fails (Redis down, stopped, or slower than `commandTimeout`, 250 ms by default),
 * `onError` is told and the limits fall back (see `fallback`); Redis is probed at most once a
 * second, on a request's arrival, and the limits are shared again once it answers.
 *
 * @example
 * ```ts
 * import { RateLimit, RedisRateStore, Session } from 'fanout';
 * import { createClient } from 'redis';
 *
 * const client = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 * const store = new RedisRateStore({ client, expectedInstances: 4 });
 * const session = new Session({
 *   policies: [new RateLimit({ rate: 50, per: 1_000, store })],
 * });
 * ```
 */
export class RedisRateStore implements RateStore {
  readonly #redis: RedisCommands;
  readonly #prefix: string;
  readonly #instances: number;
  readonly #fallback: RateStoreFallback;
  readonly #onError: ((error: RateLimitStoreError) => void) | undefined;
  // Up until a command fails; down until a probe (or a grant) succeeds.
  #health: Health = { state: 'up' };
  // What the lanes see of this store: the grants, the mode, the failure.
  readonly #grants: Grants;

  constructor(given: RedisRateStoreOptions) {
    if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
    const options = ownOptions(given);
    checkKnownOptions(options, REDIS_RATE_STORE_OPTIONS);
    this.#redis = redisCommands(options.client, ownCommandOptions(options));
    const prefix = options.prefix ?? 'fanout:rate:';
    if (typeof prefix !== 'string') fail('prefix', 'a string', prefix);
    this.#prefix = prefix;
    this.#fallback = checkOneOf('fallback', options.fallback, ['local', 'fail'], 'local');
    if (this.#fallback === 'local' && options.expectedInstances === undefined) {
      fail(
        'expectedInstances',
        "an integer >= 1 (how many instances share the limit: with fallback 'local' each limits at rate ÷ expectedInstances while Redis fails)",
        undefined,
      );
    }
    this.#instances = checkInteger('expectedInstances', options.expectedInstances, 1, 1);
    if (options.onError !== undefined) this.#onError = checkFunction('onError', options.onError);
    this.#grants = {
      mode: () => this.#mode(),
      ask: (key, interval, tolerance) => this.#ask(key, interval, tolerance),
      lastError: () => (this.#health.state === 'down' ? this.#health.error : undefined),
    };
  }

  /** Whether Redis answered the last command (false while the limits fall back). */
  get isUp(): boolean {
    return this.#health.state === 'up';
  }

  /** @internal */
  lane(key: string, interval: number, burst: number): Lane {
    return new SharedRateLane(key, interval, burst, this.#instances, this.#grants);
  }

  #mode(): GrantsMode {
    const health = this.#health;
    if (health.state === 'up') return 'shared';
    if (!health.isProbing && performance.now() >= health.probeAt) this.#probe(health);
    return this.#fallback;
  }

  async #ask(key: string, interval: number, tolerance: number): Promise<number> {
    const redisKey = `${this.#prefix}{${key}}`;
    let reply: unknown;
    try {
      reply = await this.#redis.evaluate(
        GCRA_SCRIPT,
        [redisKey],
        [String(interval), String(tolerance)],
      );
    } catch (error) {
      throw this.#failed(error);
    }
    if (typeof reply !== 'number' || !(reply >= 0)) {
      throw this.#failed(new Error(`unexpected reply to the rate limit script: ${String(reply)}`));
    }
    this.#health = { state: 'up' };
    return reply / 1_000;
  }

  // One harmless command on the store's keys: the limits are shared again once it answers.
  #probe(health: Health & { state: 'down' }): void {
    health.isProbing = true;
    const key = `${this.#prefix}{probe}`;
    this.#redis.send(key, ['PTTL', key]).then(
      () => {
        if (this.#health === health) this.#health = { state: 'up' };
      },
      (error) => {
        health.isProbing = false;
        health.probeAt = performance.now() + PROBE_EVERY;
        this.#failed(error);
      },
    );
  }

  // Records the failure (the store is down from now on), tells onError, and returns the error.
  #failed(cause: unknown): RateLimitStoreError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = new RateLimitStoreError(`Rate limit store failed: ${reason}`, { cause });
    if (this.#health.state === 'down') this.#health.error = error;
    else {
      this.#health = {
        state: 'down',
        error,
        probeAt: performance.now() + PROBE_EVERY,
        isProbing: false,
      };
    }
    try {
      this.#onError?.(error);
    } catch (thrown) {
      // A listener's bug must not fail the request whose grant was being asked for.
      process.emitWarning(`A RedisRateStore onError listener threw: ${String(thrown)}`, {
        code: 'FANOUT_LISTENER_ERROR',
      });
    }
    return error;
  }
}

// The adapter's options among the store's (an absent one stays absent, for its default).
function ownCommandOptions(options: RedisRateStoreOptions): RedisCommandsOptions {
  return options.commandTimeout === undefined ? {} : { commandTimeout: options.commandTimeout };
}
