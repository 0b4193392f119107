import { createHash } from 'node:crypto';

/**
 * A reply from Redis as fanout's stores read it: bulk strings as `Buffer` (so binary cache
 * entries survive), integers as `number`, nil as `null`, arrays as arrays.
 */
export type RedisReply = Buffer | string | number | null | readonly RedisReply[];

/** A Lua script fanout runs on Redis: its source and its SHA-1 (for `EVALSHA`). */
export interface RedisScript {
  readonly source: string;
  readonly sha1: string;
}

/** The {@link RedisScript} of `source`, its SHA-1 computed once. */
export function redisScript(source: string): RedisScript {
  return Object.freeze({ source, sha1: createHash('sha1').update(source).digest('hex') });
}

/**
 * The few Redis operations fanout's shared stores and policies need, over a client the user
 * already has (node-redis, the documented default, or ioredis / iovalkey): the user's client owns
 * the connection, its TLS, ACL, Sentinel or Cluster set-up; fanout only sends commands on it.
 *
 * Every key a single call names hashes to one Cluster slot (fanout's keys put the part that
 * varies inside a `{hash tag}`), and `key` routes the call in a Cluster.
 *
 * Each operation is bounded by the adapter's `commandTimeout`: it rejects (never hangs) when Redis
 * is down, slow or stopped, and each feature falls back as its documentation says.
 *
 * @internal
 */
export interface RedisCommands {
  /** Where the commands go, for error messages (`redis 127.0.0.1:6379`, `redis cluster`). */
  readonly label: string;
  /** Sends one command (`args[0]` is its name) about `key`. */
  send(key: string, args: readonly (string | Buffer)[]): Promise<RedisReply>;
  /** Runs `script` by `EVALSHA`, loading it once with `EVAL` when Redis does not know it yet. */
  evaluate(
    script: RedisScript,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<RedisReply>;
  /** Publishes `message` on `channel`. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Subscribes to `channel` on a connection of its own (a duplicate of the user's client, opened
   * on the first call and closed by {@link RedisCommands.close}); resolves with an unsubscribe.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Closes what fanout opened (the subscriber connection); the user's client stays open. */
  close(): Promise<void>;
}
