import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.ts';
import { TimeoutError } from '../../src/errors/timeout-error.ts';
import { Future } from '../../src/futures/future.ts';
import { asCompleted, wait } from '../../src/futures/wait.ts';
import { type Deferred, defer, flush } from './helpers.ts';

/** `count` futures that settle when their deferred does. */
function pending(count: number): { futures: Future<number>[]; deferreds: Deferred<number>[] } {
  const deferreds = Array.from({ length: count }, () => defer<number>());
  return { futures: deferreds.map((deferred) => Future.from(deferred.promise)), deferreds };
}

describe('wait', () => {
  test('ALL_COMPLETED (the default) waits for every future', async () => {
    const { futures, deferreds } = pending(2);
    let isDone = false;
    const waiting = wait(futures).then((result) => {
      isDone = true;
      return result;
    });
    deferreds[0]?.resolve(1);
    await flush();
    assert.equal(isDone, false);
    deferreds[1]?.reject(new Error('second'));
    const { done, notDone } = await waiting;
    assert.deepEqual([...done], [futures[0], futures[1]]);
    assert.equal(notDone.size, 0);
    await futures[1]?.exception();
  });

  test('FIRST_COMPLETED returns at the first future done', async () => {
    const { futures, deferreds } = pending(3);
    const waiting = wait(futures, { returnWhen: 'FIRST_COMPLETED' });
    deferreds[1]?.resolve(1);
    const { done, notDone } = await waiting;
    assert.deepEqual([...done], [futures[1]]);
    assert.deepEqual([...notDone], [futures[0], futures[2]]);
  });

  test('FIRST_COMPLETED returns at once when a future is already done', async () => {
    const { futures } = pending(1);
    const { done } = await wait([...futures, Future.resolve(1)], { returnWhen: 'FIRST_COMPLETED' });
    assert.equal(done.size, 1);
  });

  test('FIRST_EXCEPTION returns at the first failure, not at a success or a cancellation', async () => {
    const { futures, deferreds } = pending(4);
    const waiting = wait(futures, { returnWhen: 'FIRST_EXCEPTION' });
    deferreds[0]?.resolve(1);
    futures[1]?.cancel();
    await flush();
    deferreds[2]?.reject(new Error('boom'));
    const { done, notDone } = await waiting;
    assert.deepEqual([...done], [futures[0], futures[1], futures[2]]);
    assert.deepEqual([...notDone], [futures[3]]);
    await futures[2]?.exception();
  });

  test('FIRST_EXCEPTION returns at once when a future has already failed', async () => {
    const { futures } = pending(1);
    const failed = Future.reject(new Error('x'));
    const { done } = await wait([...futures, failed], { returnWhen: 'FIRST_EXCEPTION' });
    assert.deepEqual([...done], [failed]);
    await failed.exception();
  });

  test('FIRST_EXCEPTION without failures waits for all', async () => {
    const { futures, deferreds } = pending(2);
    const waiting = wait(futures, { returnWhen: 'FIRST_EXCEPTION' });
    deferreds[0]?.resolve(1);
    deferreds[1]?.resolve(2);
    assert.equal((await waiting).done.size, 2);
  });

  test('a timeout returns what is done (no throw), and the result stays fixed', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { futures, deferreds } = pending(2);
    const waiting = wait(futures, { timeout: 50 });
    deferreds[0]?.resolve(1);
    await flush();
    t.mock.timers.tick(50);
    const { done, notDone } = await waiting;
    assert.deepEqual([...done], [futures[0]]);
    assert.deepEqual([...notDone], [futures[1]]);
    deferreds[1]?.resolve(2);
    await flush();
    assert.equal(done.size, 1);
    assert.equal(notDone.size, 1);
  });

  test('duplicates count once; an empty list returns at once', async () => {
    const future = Future.resolve(1);
    assert.equal((await wait([future, future])).done.size, 1);
    const { done, notDone } = await wait([]);
    assert.equal(done.size + notDone.size, 0);
  });

  test('bad input is an InvalidOptionError naming the index and type', async () => {
    await assert.rejects(
      wait([Future.resolve(1), 42 as never]),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.message === 'Expected `futures[1]` to be a Future, got 42 (number)',
    );
    await assert.rejects(wait([Promise.resolve(1) as never]), /`futures\[0\]` to be a Future/);
    await assert.rejects(wait(5 as never), /`futures` to be an iterable of futures/);
    await assert.rejects(wait([], { timeout: -1 }), /`timeout` to be a non-negative/);
    await assert.rejects(wait([], { timeout: Number.NaN }), InvalidOptionError);
    await assert.rejects(wait([], { returnWhen: 'FIRST' as never }), /`returnWhen` to be one of/);
  });
});

describe('asCompleted', () => {
  test('yields the Future objects themselves, done ones first, then in completion order', async () => {
    const { futures, deferreds } = pending(3);
    const already = Future.resolve(99);
    const yielded: unknown[] = [];
    const iteration = (async () => {
      // `unknown`: TypeScript may type a `for await` item over thenables as their value.
      for await (const item of asCompleted([...futures, already]) as AsyncIterable<unknown>) {
        assert.ok(item instanceof Future, 'asCompleted must yield futures, not values');
        yielded.push(item);
      }
    })();
    deferreds[2]?.resolve(2);
    await flush();
    deferreds[0]?.resolve(0);
    await flush();
    deferreds[1]?.resolve(1);
    await iteration;
    assert.deepEqual(yielded, [already, futures[2], futures[0], futures[1]]);
  });

  test('yields each future once, even if listed twice', async () => {
    const future = Future.resolve(1);
    const yielded: unknown[] = [];
    for await (const item of asCompleted([future, future, future])) yielded.push(item);
    assert.deepEqual(yielded, [future]);
  });

  test('yields failed and cancelled futures too', async () => {
    const failed = Future.reject(new Error('x'));
    const { futures } = pending(1);
    futures[0]?.cancel();
    const yielded: unknown[] = [];
    for await (const item of asCompleted([failed, ...futures])) yielded.push(item);
    assert.deepEqual(yielded, [failed, futures[0]]);
    await failed.exception();
  });

  test('throws a TimeoutError (phase result) when the timeout, counted from the call, passes', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const { futures, deferreds } = pending(2);
    const iterator = asCompleted(futures, { timeout: 100 });
    t.mock.timers.tick(40);
    deferreds[0]?.resolve(0);
    await flush();
    assert.equal((await iterator.next()).value, futures[0]);
    const next = iterator.next();
    t.mock.timers.tick(59);
    await flush();
    t.mock.timers.tick(1);
    await assert.rejects(
      next,
      (error: unknown) =>
        error instanceof TimeoutError && error.phase === 'result' && error.timeout === 100,
    );
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });

  test('after the deadline, futures already done are yielded before the TimeoutError', {
    timeout: 10_000,
  }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const { futures, deferreds } = pending(2);
    const iterator = asCompleted(futures, { timeout: 10 });
    deferreds[1]?.resolve(1);
    await flush();
    t.mock.timers.tick(20);
    assert.equal((await iterator.next()).value, futures[1]);
    await assert.rejects(iterator.next(), TimeoutError);
  });

  test('a timeout of 0 polls: done futures, then TimeoutError', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const { futures } = pending(1);
    const done = Future.resolve(1);
    const iterator = asCompleted([...futures, done], { timeout: 0 });
    assert.equal((await iterator.next()).value, done);
    await assert.rejects(iterator.next(), TimeoutError);
  });

  test('leaving the loop stops tracking (the futures keep running)', async () => {
    const { futures, deferreds } = pending(2);
    deferreds[0]?.resolve(0);
    await flush();
    const iterator = asCompleted(futures);
    for await (const future of iterator) {
      assert.equal(future, futures[0]);
      break;
    }
    assert.equal(iterator.size, 0);
    assert.equal(futures[1]?.running(), true);
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });

  test('bad input is an InvalidOptionError naming the index and type, thrown at once', () => {
    assert.throws(
      () => asCompleted([Future.resolve(1), 'x' as never]),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.message === 'Expected `futures[1]` to be a Future, got "x" (string)',
    );
    assert.throws(() => asCompleted([], { timeout: -5 }), InvalidOptionError);
  });
});
