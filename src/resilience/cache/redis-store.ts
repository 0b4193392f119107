import { checkKnownOptions, fail, ownOptions } from '../../core/validate.ts';
import { CacheStoreError } from '../../errors/cache-store-error.ts';
import { REDIS_STORE_OPTIONS } from '../known-options.ts';
import type { CacheStore } from './cache-store.ts';
import { RedisClient, type RedisClientOptions } from './redis-client.ts';

/** Options of {@link RedisStore}: where Redis is, how long to wait for it, and a key prefix. */
export interface RedisStoreOptions extends RedisClientOptions {
  /** Prepended to every key, so several caches can share one Redis. @default 'fanout:cache:' */
  prefix?: string;
}

/**
 * A {@link CacheStore} in Redis, so that every instance of an app shares one HTTP cache.
 * Entries are plain string keys with a millisecond expiry (`SET key value PX ttl`), so Redis
 * evicts them by itself (and by its `maxmemory-policy`, if set).
 *
 * It speaks to Redis through fanout's own small RESP2 client (one pipelined connection, bounded
 * timeouts, reconnect after a backoff): when Redis is down, slow or restarting, each method fails
 * within `commandTimeout` and the cache serves a miss; when it is back, caching resumes.
 * Call {@link RedisStore.close} when done.
 *
 * @example
 * ```ts
 * import { HttpCache, RedisStore, Session } from 'fanout';
 * const store = new RedisStore({ host: '127.0.0.1', port: 6379, commandTimeout: 200 });
 * const session = new Session({ policies: [new HttpCache({ store })] });
 * ```
 */
export class RedisStore implements CacheStore {
  readonly isShared = true;
  readonly #client: RedisClient;
  readonly #prefix: string;

  constructor(given: RedisStoreOptions = {}) {
    if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
    const options = ownOptions(given);
    checkKnownOptions(options, REDIS_STORE_OPTIONS);
    const { prefix = 'fanout:cache:', ...client } = options;
    if (typeof prefix !== 'string') fail('prefix', 'a string', prefix);
    this.#prefix = prefix;
    this.#client = new RedisClient(client);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const reply = await this.#client.command(['GET', this.#prefix + key]);
    if (reply === null) return undefined;
    if (!Buffer.isBuffer(reply)) throw this.#unexpected('GET', reply);
    return reply;
  }

  async set(key: string, value: Uint8Array, ttl: number): Promise<void> {
    const ms = Math.ceil(ttl);
    if (!(ms > 0)) return;
    await this.#client.command(['SET', this.#prefix + key, value, 'PX', String(ms)]);
  }

  async delete(key: string): Promise<void> {
    await this.#client.command(['DEL', this.#prefix + key]);
  }

  /** Closes the connection to Redis. */
  close(): Promise<void> {
    return this.#client.close();
  }

  /** `await using store = new RedisStore()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #unexpected(command: string, reply: unknown): CacheStoreError {
    return new CacheStoreError(
      `Redis at ${this.#client.address}: unexpected reply to ${command} (${typeof reply})`,
    );
  }
}
