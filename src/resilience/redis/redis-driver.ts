/**
 * What {@link redisCommands} needs from one client library, so the adapter's shared part
 * (errors, `EVALSHA` with its `EVAL` fallback, subscriptions) is written once: each supported
 * client (node-redis standalone, Cluster, Sentinel; ioredis, its Cluster) is one driver.
 *
 * @internal
 */
export interface RedisDriver {
  /** Where the commands go, for messages (`redis 127.0.0.1:6379`), already redacted. */
  readonly label: string;
  /**
   * Sends `args` about `key` (a Cluster routes by it) and resolves with the reply, bulk strings as
   * `Buffer`; rejects with the client's error, or a {@link CommandTimeout} after `timeout` ms.
   */
  send(key: string, args: readonly (string | Buffer)[]): Promise<unknown>;
  /** A connection of its own for subscriptions (a duplicate of the user's client), unopened. */
  subscriber(): RedisSubscriber;
}

/** The subscriber connection of a {@link RedisDriver}. @internal */
export interface RedisSubscriber {
  /** Opens the connection on the first call, then subscribes `listener` to `channel`. */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  unsubscribe(channel: string, listener: (message: string) => void): Promise<void>;
  /** Closes the connection at once, without waiting for replies. */
  close(): Promise<void>;
}
