import { checkPositiveNumber } from '../../core/checks.ts';
import { checkKnownOptions, fail, ownOptions } from '../../core/validate.ts';
import { RedisStoreError } from '../../errors/redis-store-error.ts';
import { REDIS_COMMANDS_OPTIONS } from '../known-options.ts';
import type { RedisCommands, RedisReply, RedisScript } from './redis-commands.ts';
import type { RedisDriver, RedisSubscriber } from './redis-driver.ts';
import { redisDriver } from './redis-kind.ts';

/** Options of {@link redisCommands}. */
export interface RedisCommandsOptions {
  /**
   * How long one command may take, in ms, from the call to its reply: then it rejects with a
   * {@link RedisStoreError}, whether Redis is down (the client's offline queue holds the command),
   * hung (sent, no reply) or slow, and the feature on Redis falls back. @default 250
   */
  commandTimeout?: number;
}

/** How long one command may take by default, in ms: short, as each feature has a fallback. */
export const DEFAULT_COMMAND_TIMEOUT = 250;

/**
 * The {@link RedisCommands} over `client`, a node-redis client (`createClient()`,
 * `createCluster()`, `createSentinel()`) or an ioredis one (`new Redis()`, `new Redis.Cluster()`),
 * recognised by its methods: fanout never imports a Redis client, and only sends commands on the
 * one it is given. The one connection it opens is the subscriber, a duplicate of `client` opened
 * by the first `subscribe` and closed by `close()`.
 *
 * @throws {InvalidOptionError} when `client` is none of those, or an option is invalid.
 * @internal
 */
export function redisCommands(client: unknown, given: RedisCommandsOptions = {}): RedisCommands {
  if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
  const options = ownOptions(given);
  checkKnownOptions(options, REDIS_COMMANDS_OPTIONS);
  const timeout = checkPositiveNumber(
    'commandTimeout',
    options.commandTimeout,
    false,
    DEFAULT_COMMAND_TIMEOUT,
  );
  return new AdaptedRedisCommands(redisDriver(client, timeout), timeout);
}

// Whether Redis replied that it does not know a script's SHA-1 (`NOSCRIPT No matching script`).
function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

// node-redis's timeout errors (`TimeoutError` before the command was sent, `TimeoutReadError`
// after: classes without a `name` of their own) and fanout's own `CommandTimeout`.
const TIMEOUT_CLASSES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'TimeoutReadError',
  'CommandTimeout',
]);

function isTimeout(error: unknown): boolean {
  return error instanceof Error && TIMEOUT_CLASSES.has(error.constructor.name);
}

/** {@link RedisCommands} on one {@link RedisDriver}. */
class AdaptedRedisCommands implements RedisCommands {
  readonly label: string;
  readonly #driver: RedisDriver;
  readonly #timeout: number;
  // The subscriber connection, made by the first subscribe; `undefined` again after close().
  #subscriber: RedisSubscriber | undefined;
  #isClosed = false;

  constructor(driver: RedisDriver, timeout: number) {
    this.#driver = driver;
    this.#timeout = timeout;
    this.label = driver.label;
  }

  async send(key: string, args: readonly (string | Buffer)[]): Promise<RedisReply> {
    try {
      return (await this.#driver.send(key, args)) as RedisReply;
    } catch (error) {
      throw this.#failure(String(args[0]), error);
    }
  }

  async evaluate(
    script: RedisScript,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<RedisReply> {
    const key = keys[0] ?? '';
    const rest = [String(keys.length), ...keys, ...args];
    try {
      return (await this.#driver.send(key, ['EVALSHA', script.sha1, ...rest])) as RedisReply;
    } catch (error) {
      if (!isNoScript(error)) throw this.#failure('EVALSHA', error);
    }
    // EVAL runs the script and caches it, so the next EVALSHA finds it.
    return this.send(key, ['EVAL', script.source, ...rest]);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.send(channel, ['PUBLISH', channel, message]);
  }

  async subscribe(
    channel: string,
    listener: (message: string) => void,
  ): Promise<() => Promise<void>> {
    if (this.#isClosed) throw new RedisStoreError(`${this.label}: SUBSCRIBE after close()`);
    this.#subscriber ??= this.#driver.subscriber();
    const subscriber = this.#subscriber;
    // A listener of its own, so the same function subscribed twice unsubscribes once each.
    const own = (message: string) => listener(message);
    try {
      await subscriber.subscribe(channel, own);
    } catch (error) {
      throw this.#failure('SUBSCRIBE', error);
    }
    return async () => {
      if (this.#subscriber !== subscriber) return;
      try {
        await subscriber.unsubscribe(channel, own);
      } catch (error) {
        throw this.#failure('UNSUBSCRIBE', error);
      }
    };
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    await subscriber?.close();
  }

  #failure(command: string, error: unknown): RedisStoreError {
    const why = isTimeout(error)
      ? `timed out after ${this.#timeout} ms`
      : `failed: ${error instanceof Error ? error.message : String(error)}`;
    return new RedisStoreError(`${this.label}: ${command} ${why}`, { cause: error });
  }
}
