import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError } from '../../src/errors/cancelled-error.ts';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.ts';
import { Executor } from '../../src/futures/executor.ts';
import { type Deferred, defer, flush } from './helpers.ts';

/** A generator of 0..count-1 that counts what was pulled and whether it was closed. */
function countingSource(count: number) {
  const state = { pulled: 0, closed: false };
  function* items() {
    try {
      for (let i = 0; i < count; i++) {
        state.pulled++;
        yield i;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, items: items() };
}

/** Tasks that finish when the test says, so completion order is under control. */
function gated() {
  const gates = new Map<number, Deferred<number>>();
  const signals = new Map<number, AbortSignal>();
  const fn = (item: number, signal: AbortSignal) => {
    const gate = defer<number>();
    gates.set(item, gate);
    signals.set(item, signal);
    signal.addEventListener('abort', () => gate.reject(signal.reason));
    return gate.promise;
  };
  const finish = (item: number, value = item * 10) => gates.get(item)?.resolve(value);
  return { fn, finish, gates, signals };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

describe('Executor.map', () => {
  test('yields the results in the order of the items', async () => {
    const executor = new Executor({ maxWorkers: 3 });
    const { fn, finish } = gated();
    const results = collect(executor.map(fn, [0, 1, 2]));
    await flush();
    finish(2);
    finish(1);
    finish(0);
    assert.deepEqual(await results, [0, 10, 20]);
  });

  test('ordered: false yields the results in completion order', async () => {
    const executor = new Executor({ maxWorkers: 3 });
    const { fn, finish } = gated();
    const results = collect(executor.map(fn, [0, 1, 2], { ordered: false }));
    await flush();
    finish(2);
    await flush();
    finish(0);
    await flush();
    finish(1);
    assert.deepEqual(await results, [20, 0, 10]);
  });

  test('accepts async iterables and sync functions', async () => {
    const executor = new Executor({ maxWorkers: 2 });
    async function* items() {
      yield 'a';
      yield 'b';
    }
    assert.deepEqual(await collect(executor.map((item) => item.toUpperCase(), items())), [
      'A',
      'B',
    ]);
  });

  test('pulls items only as results are taken: at most window in flight', async () => {
    const executor = new Executor({ maxWorkers: 2 });
    const { state, items } = countingSource(1_000_000);
    const iterator = executor.map((item) => item, items, { window: 3 });
    assert.equal(state.pulled, 0);
    assert.deepEqual(await iterator.next(), { done: false, value: 0 });
    assert.equal(state.pulled, 3);
    assert.deepEqual(await iterator.next(), { done: false, value: 1 });
    assert.equal(state.pulled, 4);
    await iterator.return();
    assert.equal(state.closed, true);
    assert.equal(state.pulled, 4);
  });

  test('the default window is twice maxWorkers', async () => {
    const executor = new Executor({ maxWorkers: 4 });
    const { state, items } = countingSource(1_000);
    const iterator = executor.map((item) => item, items, { ordered: false });
    await iterator.next();
    assert.equal(state.pulled, 8);
    await iterator.return();
  });

  test('leaving the loop early cancels the tasks in flight and closes the source', async () => {
    const executor = new Executor({ maxWorkers: 2 });
    const { fn, finish, signals } = gated();
    const { state, items } = countingSource(100);
    const iteration = (async () => {
      for await (const value of executor.map(fn, items, { window: 4 })) {
        if (value === 0) break;
      }
    })();
    await flush();
    finish(0);
    await iteration;
    assert.equal(state.closed, true);
    assert.equal(state.pulled, 4);
    assert.equal(signals.get(1)?.aborted, true);
    assert.equal(executor.queued, 0);
    await executor.onIdle();
  });

  test('a failed task throws at its position; the rest is cancelled', async () => {
    const executor = new Executor({ maxWorkers: 3 });
    const { fn, finish, gates, signals } = gated();
    const seen: number[] = [];
    const iteration = (async () => {
      for await (const value of executor.map(fn, [0, 1, 2])) seen.push(value);
    })();
    await flush();
    gates.get(1)?.reject(new Error('item 1 failed'));
    finish(0);
    await assert.rejects(iteration, /item 1 failed/);
    assert.deepEqual(seen, [0]);
    assert.equal(signals.get(2)?.aborted, true);
  });

  test('an error from the source ends the iteration with that error', async () => {
    const executor = new Executor({ maxWorkers: 2 });
    function* items() {
      yield 1;
      throw new Error('source broke');
    }
    await assert.rejects(collect(executor.map((item) => item, items())), /source broke/);
  });

  test('the signal option cancels the run with a CancelledError', async () => {
    const executor = new Executor({ maxWorkers: 2 });
    const { fn, signals } = gated();
    const controller = new AbortController();
    const iteration = collect(executor.map(fn, [0, 1, 2, 3], { signal: controller.signal }));
    await flush();
    controller.abort();
    await assert.rejects(iteration, CancelledError);
    assert.equal(signals.get(0)?.aborted, true);
    await executor.onIdle();
  });

  test('waits for room in a bounded queue instead of failing', async () => {
    const executor = new Executor({ maxWorkers: 1, maxQueued: 1 });
    const values = await collect(executor.map(async (item: number) => item * 2, [1, 2, 3, 4]));
    assert.deepEqual(values, [2, 4, 6, 8]);
  });

  test('bad arguments throw at once', () => {
    const executor = new Executor();
    assert.throws(() => executor.map('x' as never, []), InvalidOptionError);
    assert.throws(() => executor.map((x) => x, 5 as never), /`items` to be an iterable/);
    assert.throws(() => executor.map((x) => x, [], { window: 0 }), /`window` to be a positive/);
    assert.throws(() => executor.map((x) => x, [], { ordered: 1 as never }), /`ordered`/);
    assert.throws(() => executor.map((x) => x, [], { signal: {} as never }), /`signal`/);
    assert.throws(() => executor.map((x) => x, [], { priority: Number.NaN }), /`priority`/);
  });
});
