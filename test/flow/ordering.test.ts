import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Future, flow } from '../../src/index.ts';
import { defer, flush } from '../futures/helpers.ts';

describe('flow ordering', () => {
  test('steps without dependencies start inside start(), in definition order', () => {
    const started: string[] = [];
    const running = flow()
      .step('a', () => {
        started.push('a');
        return new Promise(() => {});
      })
      .step('b', () => {
        started.push('b');
        return new Promise(() => {});
      })
      .start();
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(running.steps.a.running(), true);
    running.cancel();
  });

  test('a step never starts before its dependencies are done, and gets their values by name', async () => {
    const user = defer<{ id: number }>();
    const prefs = defer<string>();
    const seen: unknown[] = [];
    const running = flow()
      .step('user', () => user.promise)
      .step('prefs', () => prefs.promise)
      .step('orders', ['user', 'prefs'], (inputs) => {
        seen.push(inputs);
        return `orders of ${inputs.user.id} (${inputs.prefs})`;
      })
      .start();
    await flush();
    assert.deepEqual(seen, []);
    assert.equal(running.steps.orders.running(), false);
    user.resolve({ id: 7 });
    await flush();
    assert.deepEqual(seen, [], 'one of two dependencies is not enough');
    prefs.resolve('dark');
    assert.equal(await running.steps.orders, 'orders of 7 (dark)');
    assert.deepEqual(seen, [{ user: { id: 7 }, prefs: 'dark' }]);
  });

  test('a step starts in the very reaction that settles its last promise dependency, before any later microtask', async () => {
    const user = defer<number>();
    const order: string[] = [];
    const running = flow()
      .step('user', () => user.promise)
      .step('orders', ['user'], () => {
        order.push('orders started');
        return 1;
      })
      .start();
    user.resolve(1);
    queueMicrotask(() => order.push('microtask queued after the dependency resolved'));
    process.nextTick(() => order.push('nextTick'));
    await running.steps.orders;
    await flush();
    assert.deepEqual(order, [
      'orders started',
      'microtask queued after the dependency resolved',
      'nextTick',
    ]);
  });

  test('a step whose dependency returns a Future starts synchronously when that future settles', async () => {
    const gate = defer<string>();
    const work = Future.from(gate.promise);
    let startedWhenWorkSettled: boolean | undefined;
    let ordersStarted = false;
    const running = flow()
      .step('user', () => work)
      .step('orders', ['user'], ({ user }) => {
        ordersStarted = true;
        return user.length;
      })
      .start();
    // Registered after the flow's own: runs in the same synchronous settle, right after it.
    work.addDoneCallback(() => {
      startedWhenWorkSettled = ordersStarted;
    });
    gate.resolve('four');
    assert.equal(await running.steps.orders, 4);
    assert.equal(startedWhenWorkSettled, true);
  });

  test('plain values finish at once: a chain of synchronous steps is done inside start()', () => {
    const running = flow()
      .step('a', () => 1)
      .step('b', ['a'], ({ a }) => a + 1)
      .step('c', ['b'], ({ b }) => b * 10)
      .start();
    assert.equal(running.done(), true);
    assert.deepEqual(
      running.report().steps.map((step) => step.outcome),
      ['ok', 'ok', 'ok'],
    );
  });

  test('a diamond starts its join only after both branches, and each branch once', async () => {
    const left = defer<number>();
    const right = defer<number>();
    const calls: string[] = [];
    const running = flow()
      .step('root', () => {
        calls.push('root');
        return 1;
      })
      .step('left', ['root'], () => {
        calls.push('left');
        return left.promise;
      })
      .step('right', ['root'], () => {
        calls.push('right');
        return right.promise;
      })
      .step('join', ['left', 'right'], ({ left, right }) => {
        calls.push('join');
        return left + right;
      })
      .start();
    assert.deepEqual(calls, ['root', 'left', 'right']);
    right.resolve(2);
    await flush();
    assert.deepEqual(calls, ['root', 'left', 'right']);
    left.resolve(3);
    assert.equal(await running.steps.join, 5);
    assert.deepEqual(calls, ['root', 'left', 'right', 'join']);
  });

  test('steps may return values, promises, thenables and Futures (not only HTTP)', async () => {
    const thenable: PromiseLike<string> = {
      // biome-ignore lint/suspicious/noThenProperty: a hand-made thenable on purpose.
      then: (resolve) => Promise.resolve('thenable').then(resolve),
    };
    const running = flow()
      .step('value', () => 1)
      .step('promise', async () => 'promise')
      .step('thenable', () => thenable)
      .step('future', () => Future.resolve(true))
      .start();
    assert.deepEqual(
      await Future.all([
        running.steps.value,
        running.steps.promise,
        running.steps.thenable,
        running.steps.future,
      ]),
      [1, 'promise', 'thenable', true],
    );
  });

  test('a definition can be started again, and each run is independent', async () => {
    let count = 0;
    const definition = flow().step('n', () => ++count);
    assert.equal(await definition.start().steps.n, 1);
    assert.equal(await definition.start().steps.n, 2);
  });

  test('extending a definition leaves the original as it was', async () => {
    const base = flow().step('a', () => 1);
    const longer = base.step('b', ['a'], ({ a }) => a + 1);
    assert.deepEqual(base.stepNames, ['a']);
    assert.deepEqual(longer.stepNames, ['a', 'b']);
    assert.equal(await longer.start().steps.b, 2);
  });

  test('an empty flow is done at once', async () => {
    const running = flow().start();
    assert.equal(running.done(), true);
    await running.onDone();
    assert.deepEqual(running.report().steps, []);
  });
});
