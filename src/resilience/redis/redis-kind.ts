import { fail } from '../../core/validate.ts';
import {
  type NodeRedisClient,
  type NodeRedisCluster,
  type NodeRedisSentinel,
  nodeRedisClientDriver,
  nodeRedisClusterDriver,
  nodeRedisSentinelDriver,
} from './node-redis.ts';
import type { RedisDriver } from './redis-driver.ts';

/**
 * Recognises the user's Redis client by the methods it has (fanout never imports a client
 * library, so there is no class to test against) and makes its {@link RedisDriver}.
 *
 * @internal
 */

// Whether `value[name]` is a method (read through the prototype: a client's methods live there).
function hasMethod(value: object, name: string): boolean {
  return typeof (value as Record<string, unknown>)[name] === 'function';
}

const EXPECTED =
  'a node-redis or ioredis client (createClient(), createCluster(), createSentinel(), new Redis(), new Redis.Cluster())';

/** The driver of `client`, commands bounded by `timeout` ms. @throws {InvalidOptionError} */
export function redisDriver(client: unknown, timeout: number): RedisDriver {
  if (typeof client !== 'object' || client === null) fail('client', EXPECTED, client);
  const isNodeRedis =
    hasMethod(client, 'sendCommand') &&
    hasMethod(client, 'duplicate') &&
    hasMethod(client, 'subscribe') &&
    hasMethod(client, 'destroy');
  if (isNodeRedis && hasMethod(client, 'getSlotRandomNode'))
    return nodeRedisClusterDriver(client as NodeRedisCluster, timeout);
  if (isNodeRedis && hasMethod(client, 'getMasterNode'))
    return nodeRedisSentinelDriver(client as NodeRedisSentinel, timeout);
  if (isNodeRedis) return nodeRedisClientDriver(client as NodeRedisClient, timeout);
  return fail('client', EXPECTED, client);
}
