/**
 * redisCommands over a node-redis client of `createClient()` against a real redis-server: the
 * replies fanout's stores read, scripts by EVALSHA with the EVAL fallback, pub/sub on a duplicate
 * that close() closes (and nothing else), and a down, hung or restarted Redis: every command
 * rejects with a RedisStoreError within `commandTimeout`, then works again.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { createClient } from 'redis';
import { InvalidOptionError, RedisStoreError } from '../../../src/index.ts';
import { redisCommands } from '../../../src/resilience/redis/redis-adapter.ts';
import { redisScript } from '../../../src/resilience/redis/redis-commands.ts';
import { connectedClient, startRedis } from '../../helpers/redis.ts';
import { deferred } from '../../helpers/server.ts';

// How long a rejection may take at most: far above the timeout, far below a hang.
const BOUND = 2_000;

async function rejectsInTime(promise: Promise<unknown>, why: RegExp): Promise<void> {
  const started = performance.now();
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RedisStoreError, String(error));
    assert.match(error.message, why);
    return true;
  });
  assert.ok(performance.now() - started < BOUND, 'rejected within the bound');
}

test('send: bulk strings come back as Buffers (binary intact), integers as numbers, nil as null', async (t) => {
  const redis = await startRedis(t);
  const commands = redisCommands(await connectedClient(t, redis.port));
  const binary = Buffer.from([0, 255, 13, 10, 128]);
  assert.equal(commands.label, `redis redis://127.0.0.1:${redis.port}`);
  assert.equal(await commands.send('k', ['SET', 'k', binary]), 'OK');
  assert.deepEqual(await commands.send('k', ['GET', 'k']), binary);
  assert.equal(await commands.send('n', ['INCR', 'n']), 1);
  assert.equal(await commands.send('none', ['GET', 'none']), null);
  assert.deepEqual(await commands.send('k', ['MGET', 'k', 'none']), [binary, null]);
});

test('send: an error reply rejects with a RedisStoreError naming the command, the reply as cause', async (t) => {
  const redis = await startRedis(t);
  const commands = redisCommands(await connectedClient(t, redis.port));
  await commands.send('k', ['SET', 'k', 'text']);
  const error = await commands.send('k', ['INCR', 'k']).catch((caught: unknown) => caught);
  assert.ok(error instanceof RedisStoreError);
  assert.equal(error.code, 'FANOUT_REDIS_STORE');
  assert.match(error.message, /^redis redis:\/\/127\.0\.0\.1:\d+: INCR failed: ERR /);
  assert.ok(error.cause instanceof Error);
});

test('the label of a client with a password in its URL redacts it', (t) => {
  const client = createClient({ url: 'redis://user:s3cret@127.0.0.1:1' });
  t.after(() => client.destroy());
  const commands = redisCommands(client);
  assert.equal(commands.label, 'redis redis://[REDACTED]@127.0.0.1:1');
});

test('evaluate: a script Redis does not know is run by EVAL, then by EVALSHA', async (t) => {
  const redis = await startRedis(t);
  const client = await connectedClient(t, redis.port);
  const commands = redisCommands(client);
  const incrBy = redisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  assert.deepEqual(await client.sendCommand(['SCRIPT', 'EXISTS', incrBy.sha1]), [0]);
  assert.equal(await commands.evaluate(incrBy, ['{a}n'], ['5']), 5);
  assert.deepEqual(await client.sendCommand(['SCRIPT', 'EXISTS', incrBy.sha1]), [1]);
  const before = Number(
    /cmdstat_eval:calls=(\d+)/.exec(await client.sendCommand(['INFO', 'commandstats']))?.[1],
  );
  assert.equal(await commands.evaluate(incrBy, ['{a}n'], ['2']), 7);
  const after = Number(
    /cmdstat_eval:calls=(\d+)/.exec(await client.sendCommand(['INFO', 'commandstats']))?.[1],
  );
  assert.equal(after, before, 'the second run was an EVALSHA');
  const broken = redisScript('return redis.call("NOPE")');
  await assert.rejects(commands.evaluate(broken, ['k'], []), RedisStoreError);
});

test('publish reaches a subscriber; close() closes the subscriber connection, not the client', async (t) => {
  const redis = await startRedis(t);
  const client = await connectedClient(t, redis.port);
  const commands = redisCommands(client);
  const clients = async () =>
    String(await client.sendCommand(['CLIENT', 'LIST']))
      .trim()
      .split('\n').length;
  assert.equal(await clients(), 1, 'subscribing is lazy: no connection before');
  const received = deferred<string>();
  const unsubscribe = await commands.subscribe('news', (message) => received.resolve(message));
  assert.equal(await clients(), 2);
  await commands.publish('news', 'hello');
  assert.equal(await received.promise, 'hello');
  await unsubscribe();
  assert.deepEqual(await client.sendCommand(['PUBSUB', 'NUMSUB', 'news']), ['news', 0]);
  await commands.close();
  assert.equal(await clients(), 1, 'the duplicate is closed');
  assert.equal(await commands.send('k', ['SET', 'k', 'v']), 'OK', 'the client is still open');
  await assert.rejects(
    commands.subscribe('news', () => {}),
    /SUBSCRIBE after close\(\)/,
  );
});

test('Redis stopped: commands reject within commandTimeout, and work again once it is back', async (t) => {
  const redis = await startRedis(t);
  const client = await connectedClient(t, redis.port);
  const commands = redisCommands(client, { commandTimeout: 100 });
  await redis.stop();
  await rejectsInTime(
    commands.send('k', ['GET', 'k']),
    /^redis \S+: GET (timed out after 100 ms|failed)/,
  );
  await rejectsInTime(commands.evaluate(redisScript('return 1'), ['k'], []), /EVALSHA/);
  await rejectsInTime(
    commands.subscribe('news', () => {}),
    /SUBSCRIBE/,
  );
  const ready = once(client, 'ready');
  await redis.start();
  await ready;
  assert.equal(await commands.send('k', ['SET', 'k', 'back']), 'OK');
  await commands.close();
});

test('Redis hung (SIGSTOP): a command sent rejects with a timeout; after SIGCONT commands work', async (t) => {
  const redis = await startRedis(t);
  const commands = redisCommands(await connectedClient(t, redis.port), { commandTimeout: 100 });
  redis.pause();
  await rejectsInTime(commands.send('k', ['GET', 'k']), /: GET timed out after 100 ms$/);
  await rejectsInTime(commands.publish('c', 'm'), /: PUBLISH timed out after 100 ms$/);
  redis.resume();
  assert.equal(await commands.send('k', ['SET', 'k', 'v']), 'OK');
});

test('bad input: InvalidOptionError naming what was wrong', () => {
  assert.throws(
    () => redisCommands({ get() {} }),
    (error: unknown) =>
      error instanceof InvalidOptionError &&
      /^Expected `client` to be a node-redis or ioredis client/.test(error.message),
  );
  assert.throws(() => redisCommands(undefined), /Expected `client` to be a node-redis/);
  const client = createClient();
  assert.throws(() => redisCommands(client, { commandTimeout: 0 }), /`commandTimeout`.*> 0/);
  assert.throws(() => redisCommands(client, { timeout: 1 } as object), /Unknown option "timeout"/);
});
