import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError } from '../../src/errors/cancelled-error.ts';
import { ExecutorShutdownError } from '../../src/errors/executor-shutdown-error.ts';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.ts';
import { QueueFullError } from '../../src/errors/queue-full-error.ts';
import { Executor } from '../../src/futures/executor.ts';
import type { Future } from '../../src/futures/future.ts';
import { captureWarnings, collectGarbageUntil, type Deferred, defer, flush } from './helpers.ts';

/** An executor whose tasks wait for the test to release them, recording what runs. */
function gatedTasks() {
  const gates = new Map<string, Deferred<string>>();
  const started: string[] = [];
  let running = 0;
  let peak = 0;
  const task = (name: string) => (signal: AbortSignal) => {
    started.push(name);
    running++;
    peak = Math.max(peak, running);
    const gate = defer<string>();
    gates.set(name, gate);
    signal.addEventListener('abort', () => gate.reject(signal.reason));
    return gate.promise.finally(() => running--);
  };
  const release = async (name: string) => {
    gates.get(name)?.resolve(name);
    await flush();
  };
  return { task, release, started, peak: () => peak };
}

describe('Executor construction', () => {
  const invalid: [string, unknown, string][] = [
    ['maxWorkers', 0, 'Expected `maxWorkers` to be a positive integer, got 0 (number)'],
    ['maxWorkers', -1, 'Expected `maxWorkers` to be a positive integer, got -1 (number)'],
    ['maxWorkers', 1.5, 'Expected `maxWorkers` to be a positive integer, got 1.5 (number)'],
    ['maxWorkers', Number.NaN, 'Expected `maxWorkers` to be a positive integer, got NaN (number)'],
    [
      'maxWorkers',
      Number.POSITIVE_INFINITY,
      'Expected `maxWorkers` to be a positive integer, got Infinity (number)',
    ],
    ['maxWorkers', '4', 'Expected `maxWorkers` to be a positive integer, got "4" (string)'],
    ['maxWorkers', null, 'Expected `maxWorkers` to be a positive integer, got null (null)'],
    [
      'maxQueued',
      -1,
      'Expected `maxQueued` to be a non-negative integer or Infinity, got -1 (number)',
    ],
    [
      'maxQueued',
      2.5,
      'Expected `maxQueued` to be a non-negative integer or Infinity, got 2.5 (number)',
    ],
    ['perKey', 0, 'Expected `perKey` to be a positive integer or Infinity, got 0 (number)'],
    [
      'perKey',
      Number.NaN,
      'Expected `perKey` to be a positive integer or Infinity, got NaN (number)',
    ],
  ];
  for (const [name, value, message] of invalid) {
    test(`${name}: ${String(value)} is an InvalidOptionError`, () => {
      assert.throws(
        () => new Executor({ [name]: value }),
        (error: unknown) => error instanceof InvalidOptionError && error.message === message,
      );
    });
  }

  test('defaults: 8 workers, unbounded queue; Infinity is accepted for maxQueued and perKey', () => {
    assert.equal(new Executor().maxWorkers, 8);
    const executor = new Executor({
      maxWorkers: 2,
      maxQueued: Number.POSITIVE_INFINITY,
      perKey: Number.POSITIVE_INFINITY,
    });
    assert.equal(executor.maxWorkers, 2);
    assert.equal(new Executor({ maxQueued: 0 }).queued, 0);
  });
});

describe('Executor.submit', () => {
  test('runs the function and resolves its future with the value', async () => {
    const executor = new Executor({ maxWorkers: 2 });
    assert.equal(await executor.submit(() => 'sync'), 'sync');
    assert.equal(await executor.submit(async () => 'async'), 'async');
    assert.equal(executor.completed, 2);
  });

  test('a task starts at once when a worker is free, inside submit', () => {
    const executor = new Executor({ maxWorkers: 1 });
    let ran = false;
    const future = executor.submit(async () => {
      ran = true;
    });
    assert.equal(ran, true);
    assert.equal(future.running(), true);
  });

  test('a throwing task fails its future and leaves the executor working', async () => {
    const executor = new Executor({ maxWorkers: 1 });
    const error = new Error('sync throw');
    const failed = executor.submit(() => {
      throw error;
    });
    const rejected = executor.submit(() => Promise.reject(new Error('async')));
    assert.equal(await failed.exception(), error);
    assert.match(String(await rejected.exception()), /async/);
    assert.equal(await executor.submit(() => 'still working'), 'still working');
  });

  test('a throwing done callback leaves the executor working', async () => {
    const { warnings, restore } = captureWarnings();
    try {
      const executor = new Executor({ maxWorkers: 1 });
      const first = executor.submit(async () => 1);
      first.addDoneCallback(() => {
        throw new Error('bad callback');
      });
      const second = executor.submit(async () => 2);
      assert.equal(await second, 2);
      assert.equal(warnings[0]?.code, 'FANOUT_CALLBACK_ERROR');
      assert.equal(executor.active, 0);
    } finally {
      restore();
    }
  });

  test('bad arguments are InvalidOptionErrors', () => {
    const executor = new Executor();
    const fn = async () => {};
    assert.throws(() => executor.submit('x' as never), /Expected `fn` to be a function, got "x"/);
    assert.throws(() => executor.submit(fn, { priority: Number.NaN }), /`priority` to be a number/);
    assert.throws(() => executor.submit(fn, { key: 1 as never }), /`key` to be a string/);
    assert.throws(
      () => executor.submit(fn, { signal: {} as never }),
      /`signal` to be an AbortSignal/,
    );
  });

  test('never more than maxWorkers run, and the limit is reached', async () => {
    const executor = new Executor({ maxWorkers: 3 });
    const { task, release, started, peak } = gatedTasks();
    for (let i = 0; i < 10; i++) executor.submit(task(`t${i}`));
    assert.equal(executor.active, 3);
    assert.equal(executor.queued, 7);
    for (let i = 0; i < 10; i++) await release(`t${i}`);
    await executor.onIdle();
    assert.equal(peak(), 3);
    assert.equal(started.length, 10);
    assert.equal(executor.completed, 10);
  });

  test('higher priority first, then first in first out', async () => {
    const executor = new Executor({ maxWorkers: 1 });
    const { task, release, started } = gatedTasks();
    executor.submit(task('blocker'));
    executor.submit(task('low-1'), { priority: -1 });
    executor.submit(task('normal-1'));
    executor.submit(task('high'), { priority: 5 });
    executor.submit(task('normal-2'));
    executor.submit(task('low-2'), { priority: -1 });
    for (const name of ['blocker', 'high', 'normal-1', 'normal-2', 'low-1', 'low-2']) {
      await release(name);
    }
    assert.deepEqual(started, ['blocker', 'high', 'normal-1', 'normal-2', 'low-1', 'low-2']);
  });
});

describe('Executor perKey', () => {
  test('never more than perKey tasks of one key run, and the limit is reached', async () => {
    const executor = new Executor({ maxWorkers: 10, perKey: 2 });
    const { task, release, started, peak } = gatedTasks();
    for (let i = 0; i < 6; i++) executor.submit(task(`a${i}`), { key: 'a' });
    assert.deepEqual(started, ['a0', 'a1']);
    assert.equal(executor.queued, 4);
    await release('a0');
    assert.deepEqual(started, ['a0', 'a1', 'a2']);
    for (let i = 1; i < 6; i++) await release(`a${i}`);
    assert.equal(peak(), 2);
  });

  test('a saturated key does not block tasks of other keys queued behind it', async () => {
    const executor = new Executor({ maxWorkers: 3, perKey: 1 });
    const { task, release, started } = gatedTasks();
    executor.submit(task('a0'), { key: 'a' });
    executor.submit(task('a1'), { key: 'a' });
    executor.submit(task('a2'), { key: 'a', priority: 9 });
    executor.submit(task('b0'), { key: 'b' });
    executor.submit(task('none'));
    assert.deepEqual(started, ['a0', 'b0', 'none']);
    await release('b0');
    assert.deepEqual(started, ['a0', 'b0', 'none']);
    await release('a0');
    assert.deepEqual(started, ['a0', 'b0', 'none', 'a2']);
    await release('a2');
    assert.deepEqual(started, ['a0', 'b0', 'none', 'a2', 'a1']);
  });

  test('tasks without a key are bounded by maxWorkers only', () => {
    const executor = new Executor({ maxWorkers: 3, perKey: 1 });
    const { task, started } = gatedTasks();
    for (let i = 0; i < 4; i++) executor.submit(task(`n${i}`));
    assert.deepEqual(started, ['n0', 'n1', 'n2']);
  });
});

describe('Executor cancellation', () => {
  test('cancelling a pending future removes it from the queue; it never runs', async () => {
    const executor = new Executor({ maxWorkers: 1 });
    const { task, release, started } = gatedTasks();
    executor.submit(task('blocker'));
    const pending = executor.submit(task('pending'));
    const after = executor.submit(task('after'));
    assert.equal(executor.queued, 2);
    assert.equal(pending.cancel(), true);
    assert.equal(pending.cancelled(), true);
    assert.equal(executor.queued, 1);
    await assert.rejects(pending.result(), CancelledError);
    await release('blocker');
    await release('after');
    assert.equal(await after, 'after');
    assert.deepEqual(started, ['blocker', 'after']);
  });

  test('cancelling a running future aborts its signal with a CancelledError, at once', async () => {
    const executor = new Executor({ maxWorkers: 1 });
    let signal: AbortSignal | undefined;
    const gate = defer<void>();
    const future = executor.submit((s) => {
      signal = s;
      return gate.promise;
    });
    assert.equal(future.cancel(), true);
    assert.equal(future.cancelled(), true);
    assert.equal(signal?.aborted, true);
    assert.ok(signal?.reason instanceof CancelledError);
    // The worker is held until the function settles, so maxWorkers bounds what really runs.
    assert.equal(executor.active, 1);
    gate.resolve();
    await executor.onIdle();
    assert.equal(future.cancelled(), true);
    assert.equal(executor.completed, 1);
  });

  test('a finished future cannot be cancelled', async () => {
    const executor = new Executor();
    const future = executor.submit(async () => 1);
    await future;
    assert.equal(future.cancel(), false);
  });

  test('an AbortSignal cancels a queued task, a running task, and an already aborted one', async () => {
    const executor = new Executor({ maxWorkers: 1 });
    const running = new AbortController();
    const queued = new AbortController();
    const { task, started } = gatedTasks();
    const first = executor.submit(task('running'), { signal: running.signal });
    const second = executor.submit(task('queued'), { signal: queued.signal });
    queued.abort(new Error('no longer needed'));
    assert.equal(second.cancelled(), true);
    assert.equal(executor.queued, 0);
    const exception = await second.exception().catch((error: unknown) => error);
    assert.ok(exception instanceof CancelledError);
    assert.match(String((exception as Error).cause), /no longer needed/);
    running.abort();
    assert.equal(first.cancelled(), true);
    const aborted = executor.submit(task('never'), { signal: AbortSignal.abort() });
    assert.equal(aborted.cancelled(), true);
    await executor.onIdle();
    assert.deepEqual(started, ['running']);
  });
});

describe('Executor queue bound', () => {
  test('submit throws QueueFullError beyond maxQueued; onSpace resolves when there is room', async () => {
    const executor = new Executor({ maxWorkers: 1, maxQueued: 2 });
    const { task, release } = gatedTasks();
    executor.submit(task('running'));
    executor.submit(task('q1'));
    executor.submit(task('q2'));
    assert.throws(() => executor.submit(task('q3')), QueueFullError);
    let hasSpace = false;
    const space = executor.onSpace().then(() => {
      hasSpace = true;
    });
    await flush();
    assert.equal(hasSpace, false);
    await release('running');
    await space;
    assert.equal(hasSpace, true);
    executor.submit(task('q3'));
    assert.equal(executor.queued, 2);
  });

  test('onSpace resolves at once when there is room', async () => {
    const executor = new Executor({ maxWorkers: 1, maxQueued: 0 });
    await executor.onSpace();
    const { task } = gatedTasks();
    executor.submit(task('running'));
    assert.throws(() => executor.submit(task('queued')), QueueFullError);
  });

  test('a task that can start at once is accepted even with a full queue', () => {
    const executor = new Executor({ maxWorkers: 2, maxQueued: 0, perKey: 1 });
    const { task, started } = gatedTasks();
    executor.submit(task('a'), { key: 'a' });
    assert.throws(() => executor.submit(task('a2'), { key: 'a' }), QueueFullError);
    executor.submit(task('b'), { key: 'b' });
    assert.deepEqual(started, ['a', 'b']);
  });
});

describe('Executor shutdown and idle', () => {
  test('submit after shutdown throws ExecutorShutdownError', async () => {
    const executor = new Executor();
    await executor.shutdown();
    assert.equal(executor.isShutdown, true);
    assert.throws(
      () => executor.submit(async () => 1),
      (error: unknown) =>
        error instanceof ExecutorShutdownError && error.code === 'FANOUT_EXECUTOR_SHUTDOWN',
    );
  });

  test('shutdown waits for queued and running tasks by default', async () => {
    const executor = new Executor({ maxWorkers: 1 });
    const { task, release } = gatedTasks();
    const first = executor.submit(task('first'));
    const second = executor.submit(task('second'));
    let isDone = false;
    const shutdown = executor.shutdown().then(() => {
      isDone = true;
    });
    await release('first');
    assert.equal(isDone, false);
    await release('second');
    await shutdown;
    assert.deepEqual([await first, await second], ['first', 'second']);
  });

  test('shutdown({ cancelPending }) cancels the queued futures; wait: false returns at once', async () => {
    const executor = new Executor({ maxWorkers: 1 });
    const { task, release, started } = gatedTasks();
    const running = executor.submit(task('running'));
    const queued = [executor.submit(task('q1')), executor.submit(task('q2'), { key: 'k' })];
    await executor.shutdown({ cancelPending: true, wait: false });
    assert.ok(queued.every((future) => future.cancelled()));
    assert.equal(executor.queued, 0);
    assert.equal(running.running(), true);
    await release('running');
    await executor.onIdle();
    assert.deepEqual(started, ['running']);
  });

  test('shutdown options are validated', async () => {
    await assert.rejects(new Executor().shutdown({ wait: 'yes' as never }), InvalidOptionError);
  });

  test('Symbol.asyncDispose shuts down', async () => {
    const executor = new Executor();
    await executor[Symbol.asyncDispose]();
    assert.equal(executor.isShutdown, true);
  });

  test('onIdle resolves at once when idle, else when the last task finishes', async () => {
    const executor = new Executor({ maxWorkers: 1 });
    await executor.onIdle();
    const { task, release } = gatedTasks();
    executor.submit(task('a'));
    executor.submit(task('b'));
    let isIdle = false;
    const idle = executor.onIdle().then(() => {
      isIdle = true;
    });
    await release('a');
    assert.equal(isIdle, false);
    await release('b');
    await idle;
    assert.equal(executor.active + executor.queued, 0);
  });
});

describe('Executor memory', () => {
  test('100,000 queued tasks cost well under 1 KiB each (future + task + queue entry)', async () => {
    const gc = globalThis.gc;
    assert.ok(gc, 'run with --expose-gc');
    const executor = new Executor({ maxWorkers: 1 });
    const gate = defer<void>();
    const blocked = () => gate.promise;
    executor.submit(blocked);
    const count = 100_000;
    const futures: Future<void>[] = new Array(count);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < count; i++) futures[i] = executor.submit(blocked, { key: 'origin' });
    gc();
    const perTask = (process.memoryUsage().heapUsed - before) / count;
    assert.ok(perTask < 400, `${perTask.toFixed(0)} bytes per queued task`);
    await executor.shutdown({ cancelPending: true, wait: false });
    gate.resolve();
    await executor.onIdle();
    assert.equal(futures.filter((future) => future.cancelled()).length, count);
  });

  test('finished tasks are not retained by the executor', async () => {
    const executor = new Executor({ maxWorkers: 4 });
    const collected = { count: 0 };
    const registry = new FinalizationRegistry<null>(() => collected.count++);
    await (async () => {
      for (let i = 0; i < 100; i++) {
        const future = executor.submit(async () => ({ payload: new Array(100).fill(i) }));
        registry.register(future, null);
        await future;
      }
    })();
    await collectGarbageUntil(() => collected.count === 100);
    assert.equal(collected.count, 100);
  });
});
