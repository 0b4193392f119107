import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { mock, test } from 'node:test';
import {
  BatchResultError,
  CancelledError,
  InvalidOptionError,
  type Loader,
  type LoaderOptions,
  loader,
  type Session,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

/** Lets every pending promise job, nextTick and immediate run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A loader whose batch function records its batches and answers `v<key>` for each key. */
function recording(options: Partial<LoaderOptions<number, string>> = {}) {
  const batches: number[][] = [];
  const signals: AbortSignal[] = [];
  const users = loader<number, string>({
    batch: (keys, { signal }) => {
      batches.push([...keys]);
      signals.push(signal);
      return keys.map((key) => `v${key}`);
    },
    ...options,
  });
  return { users, batches, signals };
}

test('loads of the same tick become one batch, values mapped back in order', async () => {
  const { users, batches } = recording();
  const values = await Promise.all([users.load(3), users.load(1), users.load(2)]);
  assert.deepEqual(batches, [[3, 1, 2]]);
  assert.deepEqual(values, ['v3', 'v1', 'v2']);
});

test('loads made in promise callbacks of the same tick join the batch', async () => {
  const { users, batches } = recording();
  const first = users.load(1);
  const later = Promise.resolve()
    .then(() => Promise.resolve())
    .then(() => users.load(2));
  assert.deepEqual(await Promise.all([first, later]), ['v1', 'v2']);
  assert.deepEqual(batches, [[1, 2]]);
});

test('a load after the batch was sent starts a new batch', async () => {
  const { users, batches } = recording();
  const first = users.load(1);
  await flush();
  const second = users.load(2);
  await Promise.all([first, second]);
  assert.deepEqual(batches, [[1], [2]]);
});

test('the same key twice in a batch is sent once; each caller gets the value', async () => {
  const { users, batches } = recording({ cache: false });
  const [a, b] = [users.load(1), users.load(1)];
  assert.notEqual(a, b);
  assert.deepEqual(await Promise.all([a, b]), ['v1', 'v1']);
  assert.deepEqual(batches, [[1]]);
});

test('a window gathers the loads of its milliseconds (fake clock)', {
  timeout: 10_000,
}, async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const { users, batches } = recording({ window: 10 });
  const early = users.load(1);
  mock.timers.tick(9);
  const late = users.load(2);
  await flush();
  assert.deepEqual(batches, []);
  mock.timers.tick(1);
  assert.deepEqual(await Promise.all([early, late]), ['v1', 'v2']);
  const next = users.load(3);
  mock.timers.tick(10);
  await next;
  assert.deepEqual(batches, [[1, 2], [3]]);
});

test('maxBatchSize splits the keys; a full batch does not wait for its window', {
  timeout: 10_000,
}, async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const { users, batches } = recording({ maxBatchSize: 2, window: 50 });
  const loads = [1, 2, 3, 4, 5].map((key) => users.load(key));
  await flush();
  assert.deepEqual(batches, [
    [1, 2],
    [3, 4],
  ]);
  mock.timers.tick(50);
  assert.deepEqual(await Promise.all(loads), ['v1', 'v2', 'v3', 'v4', 'v5']);
  assert.deepEqual(batches, [[1, 2], [3, 4], [5]]);
});

test('maxBatchSize splits the keys of one tick', async () => {
  const { users, batches } = recording({ maxBatchSize: 2 });
  await Promise.all([1, 2, 3].map((key) => users.load(key)));
  assert.deepEqual(batches, [[1, 2], [3]]);
});

test('values are memoised for the life of the loader; cache: false asks again', async () => {
  const cached = recording();
  await cached.users.load(1);
  assert.equal(await cached.users.load(1), 'v1');
  assert.deepEqual(cached.batches, [[1]]);
  cached.users.clear(1);
  await cached.users.load(1);
  cached.users.clearAll();
  await cached.users.load(1);
  assert.deepEqual(cached.batches, [[1], [1], [1]]);
  const uncached = recording({ cache: false });
  await uncached.users.load(1);
  await uncached.users.load(1);
  assert.deepEqual(uncached.batches, [[1], [1]]);
});

test('memoisation is per scope: scopes never share values', async () => {
  let user = 'alice';
  const batches: string[] = [];
  const base = loader({
    batch: (keys: readonly string[]) => {
      batches.push(user);
      return keys.map((key) => `${key} of ${user}`);
    },
  });
  const alice = base.scope();
  assert.equal(await alice.load('cart'), 'cart of alice');
  user = 'bob';
  const bob = base.scope();
  assert.equal(await bob.load('cart'), 'cart of bob');
  assert.equal(await alice.load('cart'), 'cart of alice');
  assert.deepEqual(batches, ['alice', 'bob']);
});

test('an Error in a slot fails that key only, and is not memoised', async () => {
  let calls = 0;
  const items = loader({
    batch: (keys: readonly number[]) => {
      calls++;
      return keys.map((key) => (key === 2 && calls === 1 ? new Error(`no item ${key}`) : key * 10));
    },
  });
  const outcomes = await Promise.allSettled([items.load(1), items.load(2), items.load(3)]);
  assert.deepEqual(
    outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
    [10, 'no item 2', 30],
  );
  assert.equal(await items.load(2), 20);
  assert.equal(calls, 2);
});

test('a Map result is looked up by key (by cacheKey for object keys)', async () => {
  const batches: number[][] = [];
  const users = loader({
    batch: (keys: readonly { id: number }[]) => {
      batches.push(keys.map((key) => key.id));
      return new Map(keys.map((key) => [key.id, `user ${key.id}`]));
    },
    cacheKey: (key) => key.id,
  });
  const values = await Promise.all([
    users.load({ id: 2 }),
    users.load({ id: 1 }),
    users.load({ id: 2 }),
  ]);
  assert.deepEqual(values, ['user 2', 'user 1', 'user 2']);
  assert.deepEqual(batches, [[2, 1]]);
});

test('loadMany: values in order, a failed key as its Error in place', async () => {
  const items = loader({
    batch: (keys: readonly number[]) => keys.map((key) => (key < 0 ? new RangeError('neg') : key)),
  });
  const values = await items.loadMany([1, -1, 2]);
  assert.equal(values[0], 1);
  assert.ok(values[1] instanceof RangeError);
  assert.equal(values[2], 2);
});

for (const [name, result, pattern] of [
  ['an array of the wrong length', [1], /one value per key.*1 values for 2 keys/],
  ['a Map without some keys', new Map([[1, 'a']]), /Map without 1 of the 2 keys: 2/],
  ['neither an array nor a Map', { 1: 'a' }, /an array or a Map.*\(object\)/],
] as const) {
  test(`a batch function returning ${name} fails every caller with BatchResultError`, async () => {
    const items = loader({ batch: async () => result as never });
    const outcomes = await Promise.allSettled([items.load(1), items.load(2)]);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      const reason = (outcome as PromiseRejectedResult).reason;
      assert.ok(reason instanceof BatchResultError, String(reason));
      assert.equal(reason.code, 'FANOUT_BATCH_RESULT');
      assert.match(reason.message, pattern);
    }
  });
}

test('a batch function that throws, rejects or fails with a non-Error: every caller gets it', async () => {
  const boom = new Error('boom');
  const throwing = loader({
    batch: (): number[] => {
      throw boom;
    },
  });
  const rejecting = loader({ batch: async (): Promise<number[]> => Promise.reject(boom) });
  const stringly = loader({ batch: async (): Promise<number[]> => Promise.reject('oops') });
  for (const items of [throwing, rejecting]) {
    const outcomes = await Promise.allSettled([items.load(1), items.load(2)]);
    assert.deepEqual(
      outcomes.map((o) => (o as PromiseRejectedResult).reason),
      [boom, boom],
    );
  }
  const error = await stringly.load(1).exception();
  assert.ok(error instanceof BatchResultError);
  assert.equal(error.cause, 'oops');
});

test('a batch that never settles leaves its loads pending, never wrongly settled', async () => {
  const gate = deferred<string[]>();
  const items = loader({ batch: () => gate.promise });
  const load = items.load(1);
  await flush();
  assert.equal(load.done(), false);
  gate.resolve(['late']);
  assert.equal(await load, 'late');
});

test('a caller cancelled before the batch is sent takes its key out', async () => {
  const { users, batches } = recording();
  const abort = new AbortController();
  const cancelled = users.load(1, { signal: abort.signal });
  const byFuture = users.load(2);
  const kept = users.load(3);
  abort.abort();
  byFuture.cancel();
  assert.equal(await kept, 'v3');
  assert.deepEqual(batches, [[3]]);
  await assert.rejects(cancelled.result(), CancelledError);
  assert.equal(byFuture.cancelled(), true);
  const none = recording();
  none.users.load(9).cancel();
  await flush();
  assert.deepEqual(none.batches, []);
});

test('after the batch is sent, one caller leaving does not stop it; all leaving aborts it', async () => {
  const gate = deferred<string[]>();
  const signals: AbortSignal[] = [];
  const items = loader({
    batch: (_keys: readonly number[], { signal }) => {
      signals.push(signal);
      return gate.promise;
    },
  });
  const [a, b] = [items.load(1), items.load(2)];
  await flush();
  a.cancel();
  assert.equal(signals[0]?.aborted, false);
  gate.resolve(['one', 'two']);
  assert.equal(await b, 'two');

  const never = deferred<string[]>();
  const lonely = loader({
    batch: (_keys: readonly number[], { signal }) => {
      signals.push(signal);
      return never.promise;
    },
  });
  const [c, d] = [lonely.load(1), lonely.load(1)];
  await flush();
  c.cancel();
  d.cancel();
  assert.equal(signals[1]?.aborted, true);
  never.resolve(['ignored']);
  await flush();
});

test("the loader's signal cancels waiting loads, batches in flight and later loads", async () => {
  const abort = new AbortController();
  const gate = deferred<string[]>();
  const signals: AbortSignal[] = [];
  const items = loader({
    batch: (_keys: readonly number[], { signal }) => {
      signals.push(signal);
      return gate.promise;
    },
    signal: abort.signal,
  });
  const inFlight = items.load(1);
  await flush();
  const waiting = items.load(2);
  abort.abort(new Error('page gone'));
  for (const load of [inFlight, waiting]) {
    const error = await load.exception();
    assert.ok(error instanceof CancelledError);
    assert.equal((error.cause as Error).message, 'page gone');
  }
  assert.equal(signals[0]?.aborted, true);
  assert.equal(signals.length, 1);
  assert.ok((await items.load(3).exception()) instanceof CancelledError);
});

test('a loader listens to its signal only while it has batches', async () => {
  const abort = new AbortController();
  const { users } = recording({ signal: abort.signal });
  const scoped = Array.from({ length: 20 }, () => users.scope());
  const loads = scoped.map((scope) => scope.load(1));
  // 20 scopes with a batch each share one listener on the signal (not 20: more than 10 would be
  // a MaxListenersExceededWarning), and none is left once they are done.
  assert.equal(getEventListeners(abort.signal, 'abort').length, 1);
  await Promise.all(loads);
  assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
});

test('loads waiting with one shared signal add one listener to it, and all cancel', async () => {
  const abort = new AbortController();
  const gate = deferred<string[]>();
  const items = loader({ batch: (_keys: readonly number[]) => gate.promise });
  const loads = Array.from({ length: 12 }, (_, key) => items.load(key, { signal: abort.signal }));
  assert.equal(getEventListeners(abort.signal, 'abort').length, 1);
  abort.abort(new Error('gone'));
  for (const load of loads) await assert.rejects(async () => load, CancelledError);
  assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
});

test('bad options are InvalidOptionErrors naming the option', () => {
  const batch = (keys: readonly number[]) => keys;
  const cases: [unknown, RegExp][] = [
    [undefined, /`options`.*an object/],
    [{}, /`batch`.*a function.*undefined/],
    [{ batch: 'x' }, /`batch`.*a function/],
    [{ batch, maxBatchSize: 0 }, /`maxBatchSize`.*positive integer/],
    [{ batch, maxBatchSize: 1.5 }, /`maxBatchSize`/],
    [{ batch, window: -1 }, /`window`.*>= 0/],
    [{ batch, window: Number.NaN }, /`window`/],
    [{ batch, window: Number.POSITIVE_INFINITY }, /`window`/],
    [{ batch, window: '5' }, /`window`.*"5" \(string\)/],
    [{ batch, cacheKey: 1 }, /`cacheKey`.*a function/],
    [{ batch, cache: 'yes' }, /`cache`.*a boolean/],
    [{ batch, signal: {} }, /`signal`.*AbortSignal/],
    [
      { batch, maxBatch: 5 },
      /^Unknown option "maxBatch" in Loader options — did you mean "maxBatchSize"\?$/,
    ],
  ];
  for (const [options, pattern] of cases) {
    assert.throws(
      () => loader(options as LoaderOptions<number, number>),
      (error: unknown) => error instanceof InvalidOptionError && pattern.test(error.message),
      String(pattern),
    );
  }
});

test('bad arguments give failed futures with InvalidOptionError, never a throw', async () => {
  const items: Loader<number, number> = loader({ batch: (keys: readonly number[]) => keys });
  const throwsString = loader({
    batch: (keys: readonly number[]) => keys,
    cacheKey: (): number => {
      throw 'nope';
    },
  });
  for (const future of [
    items.load(undefined as unknown as number),
    items.load(1, { signal: 'x' as unknown as AbortSignal }),
    items.loadMany(5 as unknown as number[]),
    throwsString.load(1),
  ]) {
    assert.ok((await future.exception()) instanceof InvalidOptionError);
  }
});

test('batching over HTTP: N loads, one request to a real server', async (t) => {
  const requests: string[] = [];
  const server = await startServer(t, (request, response) => {
    requests.push(request.url ?? '');
    const ids = new URL(request.url ?? '', 'http://x').searchParams.get('ids')?.split(',') ?? [];
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(ids.map((id) => ({ id: Number(id), name: `user ${id}` }))));
  });
  const session: Session = openSession(t, { baseURL: server.origin });
  const users = loader({
    batch: async (ids: readonly number[], { signal }) => {
      const response = await session.get('/users', { params: { ids: ids.join(',') }, signal });
      return response.json<{ id: number; name: string }[]>();
    },
  });
  const names = await Promise.all([3, 1, 2].map(async (id) => (await users.load(id)).name));
  assert.deepEqual(names, ['user 3', 'user 1', 'user 2']);
  assert.deepEqual(requests, ['/users?ids=3%2C1%2C2']);
});

test('failed and cancelled loads nobody awaits never become unhandled rejections', async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));
  const failing = loader({ batch: async (): Promise<number[]> => Promise.reject(new Error('x')) });
  failing.load(1);
  failing.loadMany([2, 3]);
  const never = deferred<number[]>();
  const pending = loader({ batch: () => never.promise });
  pending.load(1).cancel();
  const abort = new AbortController();
  pending.load(2, { signal: abort.signal });
  await flush();
  abort.abort();
  await flush();
  await flush();
  assert.deepEqual(unhandled, []);
});
