import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { CacheStoreError, InvalidOptionError } from '../../src/index.ts';
import { RedisClient } from '../../src/resilience/cache/redis-client.ts';
import { RedisStore } from '../../src/resilience/cache/redis-store.ts';
import { startRedis } from '../helpers/redis.ts';
import { deferred } from '../helpers/server.ts';

/** A TCP server that plays a broken Redis: `onSocket` decides what each connection gets. */
async function fakeRedis(t: Parameters<typeof startRedis>[0], onSocket: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as { port: number }).port };
}

function openStore(
  t: Parameters<typeof startRedis>[0],
  options: ConstructorParameters<typeof RedisStore>[0],
) {
  const store = new RedisStore(options);
  t.after(() => store.close());
  return store;
}

test('RedisStore: binary values round-trip under the prefix, with their TTL in ms', async (t) => {
  const redis = await startRedis(t);
  const store = openStore(t, { port: redis.port, prefix: 'test:' });
  const client = new RedisClient({ port: redis.port });
  t.after(() => client.close());
  const value = new Uint8Array([0, 13, 10, 255, 42]);
  await store.set('k', value, 60_000);
  assert.deepEqual(await store.get('k'), Buffer.from(value));
  assert.deepEqual(await client.command(['GET', 'test:k']), Buffer.from(value));
  const ttl = (await client.command(['PTTL', 'test:k'])) as number;
  assert.ok(ttl > 59_000 && ttl <= 60_000, `PTTL ${ttl}`);
  await store.delete('k');
  assert.equal(await store.get('k'), undefined);
  assert.equal(await store.get('never'), undefined);
});

test('RedisClient pipelines: many commands at once get their own replies', async (t) => {
  const redis = await startRedis(t);
  const store = openStore(t, { port: redis.port });
  const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
  await Promise.all(keys.map((key, i) => store.set(key, Buffer.from(`v${i}`), 60_000)));
  const values = await Promise.all(keys.map((key) => store.get(key)));
  assert.deepEqual(
    values.map((value) => value?.toString()),
    keys.map((_, i) => `v${i}`),
  );
});

test('Redis stopped and restarted mid-test: commands fail with CacheStoreError, then work again', async (t) => {
  const redis = await startRedis(t);
  const store = openStore(t, { port: redis.port, reconnectDelay: 0 });
  await store.set('k', Buffer.from('before'), 60_000);
  assert.equal((await store.get('k'))?.toString(), 'before');
  await redis.stop();
  await assert.rejects(store.get('k'), CacheStoreError);
  await assert.rejects(store.set('k', Buffer.from('x'), 1_000), CacheStoreError);
  await redis.start();
  // The restarted Redis is empty; the client reconnects on the next command.
  assert.equal(await store.get('k'), undefined);
  await store.set('k', Buffer.from('after'), 60_000);
  assert.equal((await store.get('k'))?.toString(), 'after');
});

test('after a failure, commands fail at once during the reconnect delay (no connection tried)', async (t) => {
  let connections = 0;
  const fake = await fakeRedis(t, (socket) => {
    connections++;
    socket.destroy();
  });
  const client = new RedisClient({ port: fake.port, reconnectDelay: 60_000 });
  t.after(() => client.close());
  await assert.rejects(client.command(['GET', 'k']), CacheStoreError);
  assert.equal(connections, 1);
  await assert.rejects(
    client.command(['GET', 'k']),
    /Redis at 127\.0\.0\.1:\d+: the connection closed/,
  );
  assert.equal(connections, 1);
});

test('a Redis that never answers: the command fails after commandTimeout, no hang', {
  timeout: 10_000,
}, async (t) => {
  const dropped = deferred();
  const fake = await fakeRedis(t, (socket) => {
    socket.resume(); // reads (and ignores) the commands, so it sees the client hang up
    socket.on('close', () => dropped.resolve());
  });
  const client = new RedisClient({ port: fake.port, commandTimeout: 50 });
  t.after(() => client.close());
  await assert.rejects(client.command(['GET', 'k']), /GET timed out after 50 ms/);
  // The silent connection is dropped, not left open.
  await dropped.promise;
});

test('error replies reject that command only; a failed AUTH drops the connection', async (t) => {
  const redis = await startRedis(t);
  const client = new RedisClient({ port: redis.port });
  t.after(() => client.close());
  await client.command(['SET', 'text', 'abc']);
  const [incr, get] = await Promise.allSettled([
    client.command(['INCR', 'text']),
    client.command(['GET', 'text']),
  ]);
  assert.equal(incr.status, 'rejected');
  assert.match(
    String((incr as PromiseRejectedResult).reason),
    /INCR failed: ERR value is not an integer/,
  );
  assert.deepEqual(get, { status: 'fulfilled', value: Buffer.from('abc') });
  const withPassword = new RedisClient({ port: redis.port, password: 'hunter2' });
  t.after(() => withPassword.close());
  const failure = await withPassword.command(['GET', 'text']).catch((error: unknown) => error);
  assert.ok(failure instanceof CacheStoreError);
  assert.match(failure.message, /AUTH failed/);
  assert.doesNotMatch(failure.message, /hunter2/);
});

test('a closed client fails every command', async (t) => {
  const redis = await startRedis(t);
  const client = new RedisClient({ port: redis.port });
  await client.command(['PING']);
  await client.close();
  await assert.rejects(client.command(['PING']), /PING after close\(\)/);
});

test('RedisStore and RedisClient reject bad options with InvalidOptionError', () => {
  const cases: [unknown, RegExp][] = [
    [{ port: 0 }, /`port` to be an integer >= 1, got 0/],
    [{ port: 70_000 }, /`port` to be an integer from 1 to 65535/],
    [{ host: '' }, /`host` to be a non-empty string/],
    [{ commandTimeout: -1 }, /`commandTimeout`/],
    [{ connectTimeout: 0 }, /`connectTimeout`/],
    [{ db: -1 }, /`db`/],
    [{ prefix: 7 }, /`prefix` to be a string, got 7 \(number\)/],
    [{ password: 7 }, /`password` to be a string, got "\[REDACTED\]"/],
    ['redis://x', /`options` to be an object/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => new RedisStore(options as never),
      (error: unknown) => error instanceof InvalidOptionError && message.test(error.message),
      String(message),
    );
  }
});
