import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ConcurrencyLimit, Executor, InvalidOptionError } from '../../src/index.ts';
import { defer, flush } from './helpers.ts';

/** A limit the test sets by hand, recording what the executor tells it. */
class ManualLimit implements ConcurrencyLimit<string> {
  readonly max = 10;
  next = 2;
  readonly started: [string, number][] = [];
  readonly finished: [string, boolean, unknown][] = [];

  current(): number {
    return this.next;
  }

  start(key: string, inflight: number): string {
    this.started.push([key, inflight]);
    return key;
  }

  finish(token: string, ok: boolean, outcome: unknown): number {
    this.finished.push([token, ok, outcome]);
    return this.next;
  }
}

describe('Executor perKey as a ConcurrencyLimit', () => {
  test('the limit a finished task returns applies at once, to its key only', async () => {
    const limit = new ManualLimit();
    const executor = new Executor({ maxWorkers: 10, perKey: limit });
    const gates = Array.from({ length: 6 }, () => defer<string>());
    const running = new Set<number>();
    const futures = gates.map((gate, i) =>
      executor.submit(
        async () => {
          running.add(i);
          return gate.promise.finally(() => running.delete(i));
        },
        { key: i < 5 ? 'a' : 'b' },
      ),
    );
    assert.deepEqual([...running], [0, 1, 5], 'two of a, and b on its own');
    assert.deepEqual(limit.started, [
      ['a', 1],
      ['a', 2],
      ['b', 1],
    ]);

    limit.next = 3; // a's next sample raises its limit to 3: two tasks start in its place
    gates[0]?.resolve('done');
    await futures[0];
    assert.deepEqual([...running].sort(), [1, 2, 3, 5]);
    assert.deepEqual(limit.finished, [['a', true, 'done']]);

    limit.next = 1; // lowered: running tasks finish, none starts until one runs
    gates[1]?.reject(new Error('boom'));
    await futures[1]?.exception();
    await flush();
    assert.deepEqual([...running].sort(), [2, 3, 5]);
    gates[2]?.resolve('x');
    gates[3]?.resolve('y');
    await Promise.all([futures[2], futures[3]]);
    assert.deepEqual([...running].sort(), [4, 5], 'a runs one at a time now');
    assert.deepEqual(limit.finished[1]?.slice(0, 2), ['a', false]);

    for (const gate of gates) gate.resolve('end');
    await executor.shutdown();
  });

  test('tasks without a key are neither limited per key nor sampled', async () => {
    const limit = new ManualLimit();
    const executor = new Executor({ maxWorkers: 10, perKey: limit });
    await Promise.all(Array.from({ length: 5 }, () => executor.submit(async () => 1)));
    assert.deepEqual(limit.started, []);
    assert.deepEqual(limit.finished, []);
  });

  test('a limit below 1 (or NaN) from a ConcurrencyLimit counts as 1: the key never stalls', async () => {
    const limit = new ManualLimit();
    limit.next = Number.NaN;
    const executor = new Executor({ maxWorkers: 10, perKey: limit });
    const first = await executor.submit(async () => 1, { key: 'a' });
    limit.next = 0;
    const rest = await Promise.all([2, 3].map((n) => executor.submit(async () => n, { key: 'a' })));
    assert.deepEqual([first, ...rest], [1, 2, 3]);
    assert.deepEqual(
      limit.started,
      [
        ['a', 1],
        ['a', 1],
        ['a', 1],
      ],
      'one at a time',
    );
  });

  test('perKey of another kind → InvalidOptionError', () => {
    assert.throws(
      () => new Executor({ perKey: { max: 3 } as never }),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.message ===
          'Expected `perKey` to be a positive integer, Infinity or a ConcurrencyLimit, got [object Object] (object)',
    );
  });
});
