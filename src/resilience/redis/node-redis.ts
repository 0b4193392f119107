import { redactURL } from '../../core/redact.ts';
import { withTimeout } from './command-timeout.ts';
import type { RedisDriver, RedisSubscriber } from './redis-driver.ts';

/**
 * The drivers of node-redis (`redis` on npm): a client of `createClient()`, `createCluster()` or
 * `createSentinel()`, typed by the few methods fanout calls (fanout never imports node-redis).
 * Every command is sent with `timeout` and `rejectInFlight`, so node-redis itself rejects it
 * after `commandTimeout` ms, whether it still waits in the offline queue (Redis down,
 * reconnecting) or was sent and no reply came (Redis hung), and drops the late reply.
 *
 * @internal
 */

/** The options node-redis 5+ takes per command (its `CommandOptions`). */
interface NodeRedisCommandOptions {
  readonly typeMapping: Readonly<Record<number, unknown>>;
  readonly timeout: number;
  readonly rejectInFlight: true;
}

type Args = readonly (string | Buffer)[];
type Listener = (message: string) => void;

/** What every node-redis client kind has: pub/sub, duplicate, connect and destroy. */
interface NodeRedisConnection {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  duplicate(): NodeRedisConnection;
  connect(): Promise<unknown>;
  destroy(): unknown;
  subscribe(channel: string, listener: Listener): Promise<unknown>;
  unsubscribe(channel: string, listener: Listener): Promise<unknown>;
}

/** A node-redis client of `createClient()`. */
export interface NodeRedisClient extends NodeRedisConnection {
  readonly options?: {
    readonly url?: string;
    readonly socket?: { readonly host?: string; readonly port?: number; readonly path?: string };
  };
  sendCommand(args: Args, options: NodeRedisCommandOptions): Promise<unknown>;
}

/** A node-redis Cluster of `createCluster()`. */
export interface NodeRedisCluster extends NodeRedisConnection {
  getSlotRandomNode(slot: number): unknown;
  sendCommand(
    firstKey: string,
    isReadonly: boolean,
    args: Args,
    options: NodeRedisCommandOptions,
  ): Promise<unknown>;
}

/** A node-redis Sentinel set of `createSentinel()`. */
export interface NodeRedisSentinel extends NodeRedisConnection {
  getMasterNode(): unknown;
  sendCommand(isReadonly: boolean, args: Args, options: NodeRedisCommandOptions): Promise<unknown>;
}

/** RESP's blob string (`$`): read as a `Buffer`, so binary values survive. */
const BLOB_STRING = 36;

function commandOptions(timeout: number): NodeRedisCommandOptions {
  return { typeMapping: { [BLOB_STRING]: Buffer }, timeout, rejectInFlight: true };
}

// `redis 127.0.0.1:6379`, `redis redis://[REDACTED]@cache:6379`, `redis /tmp/redis.sock`.
function clientLabel(client: NodeRedisClient): string {
  const options = client.options;
  if (typeof options?.url === 'string') return `redis ${redactURL(options.url)}`;
  const socket = options?.socket;
  if (typeof socket?.path === 'string') return `redis ${socket.path}`;
  return `redis ${socket?.host ?? 'localhost'}:${socket?.port ?? 6379}`;
}

/** The driver of a node-redis client of `createClient()`. */
export function nodeRedisClientDriver(client: NodeRedisClient, timeout: number): RedisDriver {
  const options = commandOptions(timeout);
  return {
    label: clientLabel(client),
    send: (_key, args) => client.sendCommand(args, options),
    subscriber: () => nodeRedisSubscriber(client, timeout),
  };
}

/** The driver of a node-redis Cluster: each command goes to the master of its key's slot. */
export function nodeRedisClusterDriver(cluster: NodeRedisCluster, timeout: number): RedisDriver {
  const options = commandOptions(timeout);
  return {
    label: 'redis cluster',
    send: (key, args) => cluster.sendCommand(key, false, args, options),
    subscriber: () => nodeRedisSubscriber(cluster, timeout),
  };
}

/** The driver of a node-redis Sentinel set: commands go to its current master. */
export function nodeRedisSentinelDriver(sentinel: NodeRedisSentinel, timeout: number): RedisDriver {
  const options = commandOptions(timeout);
  return {
    label: 'redis sentinel',
    send: (_key, args) => sentinel.sendCommand(false, args, options),
    subscriber: () => nodeRedisSubscriber(sentinel, timeout),
  };
}

// A duplicate of `client`, connected on the first subscribe. node-redis resubscribes by itself
// after a reconnect. Its errors are ignored here: a subscribe that fails rejects on its own.
function nodeRedisSubscriber(client: NodeRedisConnection, timeout: number): RedisSubscriber {
  let connection: NodeRedisConnection | undefined;
  const open = () => {
    if (connection !== undefined) return connection;
    const opened = client.duplicate();
    opened.on('error', () => {});
    // Not awaited: SUBSCRIBE waits in the offline queue until the connection is up.
    opened.connect().catch(() => {});
    connection = opened;
    return opened;
  };
  return {
    async subscribe(channel, listener) {
      const opened = open();
      try {
        await withTimeout(opened.subscribe(channel, listener), timeout);
      } catch (error) {
        opened.unsubscribe(channel, listener).catch(() => {});
        throw error;
      }
    },
    async unsubscribe(channel, listener) {
      if (connection !== undefined)
        await withTimeout(connection.unsubscribe(channel, listener), timeout);
    },
    async close() {
      const opened = connection;
      connection = undefined;
      try {
        await opened?.destroy();
      } catch {
        // Already closed (it never connected): nothing left to close.
      }
    },
  };
}
