import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError } from '../../src/errors/cancelled-error.ts';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.ts';
import { TimeoutError } from '../../src/errors/timeout-error.ts';
import { Executor } from '../../src/futures/executor.ts';
import { Future, futureController } from '../../src/futures/future.ts';
import { captureWarnings, collectGarbageUntil, defer, flush } from './helpers.ts';

describe('Future states', () => {
  test('a resolved future is done, not running, not cancelled', async () => {
    const future = Future.resolve(42);
    assert.equal(future.done(), true);
    assert.equal(future.running(), false);
    assert.equal(future.cancelled(), false);
    assert.equal(await future.result(), 42);
    assert.equal(await future.exception(), undefined);
  });

  test('a future from a promise runs until the promise settles', async () => {
    const deferred = defer<string>();
    const future = Future.from(deferred.promise);
    assert.equal(future.running(), true);
    assert.equal(future.done(), false);
    deferred.resolve('ok');
    assert.equal(await future, 'ok');
    assert.equal(future.done(), true);
    assert.equal(future.running(), false);
  });

  test('a rejected future gives its own error to result(), await and exception()', async () => {
    const error = new Error('boom');
    const future = Future.reject(error);
    await assert.rejects(future.result(), (thrown) => thrown === error);
    await assert.rejects(
      async () => await future,
      (thrown) => thrown === error,
    );
    assert.equal(await future.exception(), error);
  });

  test('Future.resolve adopts thenables and returns futures as they are', async () => {
    const inner = Future.resolve(1);
    assert.equal(Future.resolve(inner), inner);
    assert.equal(Future.from(inner), inner);
    const adopted = Future.resolve(Promise.resolve('later'));
    assert.equal(adopted.done(), false);
    assert.equal(await adopted, 'later');
    assert.equal(await Future.resolve().result(), undefined);
  });

  test('Future.from starts a function at once and passes a signal that cancel() aborts', async () => {
    let signal: AbortSignal | undefined;
    const future = Future.from((s) => {
      signal = s;
      return new Promise<never>(() => {});
    });
    assert.ok(signal);
    assert.equal(signal.aborted, false);
    assert.equal(future.cancel(), true);
    assert.equal(signal.aborted, true);
    assert.ok(signal.reason instanceof CancelledError);
  });

  test('Future.from turns a synchronous throw into a failed future', async () => {
    const error = new Error('sync');
    const future = Future.from(() => {
      throw error;
    });
    assert.equal(await future.exception(), error);
  });

  test('Future.from rejects what is neither a function nor a thenable', () => {
    assert.throws(
      () => Future.from(42 as unknown as PromiseLike<number>),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.message === 'Expected `source` to be a promise or a function, got 42 (number)',
    );
  });
});

describe('Future.result and exception timeouts', () => {
  test('result({ timeout }) rejects with TimeoutError (phase result) and the future keeps running', {
    timeout: 10_000,
  }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const deferred = defer<number>();
    const future = Future.from(deferred.promise);
    const waiting = future.result({ timeout: 100 });
    t.mock.timers.tick(99);
    await flush();
    t.mock.timers.tick(1);
    await assert.rejects(
      waiting,
      (error: unknown) =>
        error instanceof TimeoutError && error.phase === 'result' && error.timeout === 100,
    );
    assert.equal(future.running(), true);
    deferred.resolve(7);
    assert.equal(await future.result({ timeout: 100 }), 7);
  });

  test('result({ timeout }) resolves when the future finishes first and clears its timer', {
    timeout: 10_000,
  }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const deferred = defer<number>();
    const future = Future.from(deferred.promise);
    const waiting = future.result({ timeout: 100 });
    deferred.resolve(3);
    assert.equal(await waiting, 3);
    t.mock.timers.tick(200);
  });

  test('exception({ timeout }) times out the same way', { timeout: 10_000 }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const future = Future.from(new Promise<number>(() => {}));
    const waiting = future.exception({ timeout: 5 });
    t.mock.timers.tick(5);
    await assert.rejects(waiting, TimeoutError);
  });

  for (const timeout of [-1, Number.NaN, '100']) {
    test(`result() and exception() reject a timeout of ${String(timeout)} with InvalidOptionError`, async () => {
      const future = Future.resolve(1);
      const options = { timeout } as { timeout: number };
      await assert.rejects(future.result(options), InvalidOptionError);
      await assert.rejects(future.exception(options), /Expected `timeout` to be a non-negative/);
    });
  }

  test('a timeout of 0 on a done future returns its value', async () => {
    assert.equal(await Future.resolve('x').result({ timeout: 0 }), 'x');
  });
});

describe('Future.cancel', () => {
  test('cancels a running future at once; waiting on it rejects with CancelledError', async () => {
    const future = Future.from(new Promise<number>(() => {}));
    assert.equal(future.cancel(), true);
    assert.equal(future.cancelled(), true);
    assert.equal(future.done(), true);
    assert.equal(future.cancel(), true);
    await assert.rejects(future.result(), CancelledError);
    await assert.rejects(future.exception(), CancelledError);
    await assert.rejects(async () => await future, CancelledError);
  });

  test('a finished future cannot be cancelled', async () => {
    const future = Future.resolve(1);
    assert.equal(future.cancel(), false);
    assert.equal(future.cancelled(), false);
    const failed = Future.reject(new Error('x'));
    assert.equal(failed.cancel(), false);
    await failed.exception();
  });

  test('the work settling after cancellation does not change the outcome', async () => {
    const deferred = defer<number>();
    const future = Future.from(deferred.promise);
    future.cancel();
    deferred.resolve(5);
    await flush();
    assert.equal(future.cancelled(), true);
  });
});

describe('Future.addDoneCallback', () => {
  test('runs callbacks in the order added, once, when the future finishes', async () => {
    const deferred = defer<number>();
    const future = Future.from(deferred.promise);
    const calls: string[] = [];
    future.addDoneCallback((f) => calls.push(`a:${f.done()}`));
    future.addDoneCallback(() => calls.push('b'));
    assert.deepEqual(calls, []);
    deferred.resolve(1);
    await flush();
    assert.deepEqual(calls, ['a:true', 'b']);
  });

  test('runs at once (synchronously) on a future that is already done', () => {
    const calls: number[] = [];
    Future.resolve(1).addDoneCallback(() => calls.push(1));
    assert.deepEqual(calls, [1]);
  });

  test('runs on cancellation', () => {
    const future = Future.from(new Promise(() => {}));
    let seen: boolean | undefined;
    future.addDoneCallback((f) => {
      seen = f.cancelled();
    });
    future.cancel();
    assert.equal(seen, true);
  });

  test('a throwing callback is reported as FANOUT_CALLBACK_ERROR and the others still run', async () => {
    const { warnings, restore } = captureWarnings();
    try {
      const future = Future.from(Promise.resolve(1));
      const calls: string[] = [];
      future.addDoneCallback(() => {
        throw new Error('callback broke');
      });
      future.addDoneCallback(() => calls.push('second'));
      await future;
      assert.deepEqual(calls, ['second']);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]?.code, 'FANOUT_CALLBACK_ERROR');
      assert.match(warnings[0]?.message ?? '', /callback broke/);
      assert.match(warnings[0]?.detail ?? '', /Error: callback broke/);
      Future.resolve(2).addDoneCallback(() => {
        throw 'not an error';
      });
      assert.match(warnings[1]?.message ?? '', /not an error/);
    } finally {
      restore();
    }
  });

  test('removeDoneCallback removes every registration and says how many', async () => {
    const deferred = defer<number>();
    const future = Future.from(deferred.promise);
    const calls: string[] = [];
    const callback = () => calls.push('removed');
    future.addDoneCallback(callback);
    future.addDoneCallback(callback);
    future.addDoneCallback(() => calls.push('kept'));
    assert.equal(future.removeDoneCallback(callback), 2);
    assert.equal(future.removeDoneCallback(callback), 0);
    deferred.resolve(1);
    await future;
    assert.deepEqual(calls, ['kept']);
    assert.equal(Future.resolve(1).removeDoneCallback(callback), 0);
  });

  test('a non-function callback is an InvalidOptionError', () => {
    assert.throws(
      () => Future.resolve(1).addDoneCallback('x' as never),
      /Expected `fn` to be a function, got "x" \(string\)/,
    );
  });
});

describe('Future.map', () => {
  test('maps the value, with a sync or async function', async () => {
    const doubled = Future.resolve(21).map((value) => value * 2);
    assert.equal(await doubled, 42);
    const text = Future.resolve(1).map(async (value) => `#${value}`);
    assert.equal(await text, '#1');
  });

  test('passes a failure through, and turns a throwing function into a failure', async () => {
    const error = new Error('source');
    assert.equal(
      await Future.reject<number>(error)
        .map((v) => v + 1)
        .exception(),
      error,
    );
    const thrown = new Error('mapper');
    const mapped = Future.resolve(1).map(() => {
      throw thrown;
    });
    assert.equal(await mapped.exception(), thrown);
  });

  test('cancelling the mapped future cancels the source', async () => {
    let signal: AbortSignal | undefined;
    const source = Future.from((s) => {
      signal = s;
      return new Promise<number>(() => {});
    });
    const mapped = source.map((v) => v + 1);
    assert.equal(mapped.cancel(), true);
    assert.equal(mapped.cancelled(), true);
    assert.equal(source.cancelled(), true);
    assert.equal(signal?.aborted, true);
  });

  test('cancelling the mapped future cancels the source with the same reason, cause and all', async () => {
    let signal: AbortSignal | undefined;
    const source = Future.from((s) => {
      signal = s;
      return new Promise<number>(() => {});
    });
    const mapped = source.map((v) => v + 1).map((v) => v * 2);
    const deadline = new Error('out of time');
    const reason = new CancelledError('late', { cause: deadline });
    futureController.cancel(mapped, reason);
    assert.equal(await mapped.exception().catch((error: unknown) => error), reason);
    assert.equal(await source.exception().catch((error: unknown) => error), reason);
    assert.equal(signal?.reason, reason);
  });

  test('a cancelled source cancels the mapped future', async () => {
    const source = Future.from(new Promise<number>(() => {}));
    const mapped = source.map((v) => v + 1);
    source.cancel();
    assert.equal(mapped.cancelled(), true);
    await assert.rejects(mapped.result(), CancelledError);
  });

  test('the mapped future can be cancelled while its async function runs', async () => {
    const deferred = defer<number>();
    const mapped = Future.resolve(1).map(() => deferred.promise);
    await flush();
    assert.equal(mapped.cancel(), true);
    deferred.resolve(2);
    await flush();
    assert.equal(mapped.cancelled(), true);
  });
});

describe('Future combinators', () => {
  test('all keeps order and mixes futures, promises and values', async () => {
    const values = await Future.all([Future.resolve(1), Promise.resolve('two'), 3] as const);
    assert.deepEqual(values, [1, 'two', 3]);
  });

  test('all fails with the first failure', async () => {
    const error = new Error('second');
    const all = Future.all([Future.resolve(1), Future.reject(error)]);
    assert.equal(await all.exception(), error);
  });

  test('allSettled reports each outcome', async () => {
    const error = new Error('no');
    const settled = await Future.allSettled([Future.resolve(1), Future.reject(error)]);
    assert.deepEqual(settled, [
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: error },
    ]);
  });

  test('any takes the first success; race the first outcome', async () => {
    const never = Future.from(new Promise<number>(() => {}));
    assert.equal(await Future.any([Future.reject(new Error('x')), Future.resolve(2), never]), 2);
    const error = new Error('first');
    assert.equal(await Future.race([Future.reject(error), never]).exception(), error);
    const all = await Future.any([Future.reject(new Error('a'))]).exception();
    assert.ok(all instanceof AggregateError);
  });

  test('cancelling a combined future cancels its input futures', () => {
    const a = Future.from(new Promise<number>(() => {}));
    const b = Future.from(new Promise<string>(() => {}));
    const combined = Future.all([a, b, Promise.resolve(1)]);
    assert.equal(combined.cancel(), true);
    assert.equal(a.cancelled(), true);
    assert.equal(b.cancelled(), true);
    for (const make of [Future.allSettled, Future.any, Future.race]) {
      const input = Future.from(new Promise<number>(() => {}));
      make.call(Future, [input]).cancel();
      assert.equal(input.cancelled(), true);
    }
  });

  test('a combined future cancelled with a reason cancels its inputs with it', async () => {
    const reason = new CancelledError('late', { cause: new Error('out of time') });
    for (const make of [Future.all, Future.allSettled, Future.any, Future.race]) {
      const input = Future.from(new Promise<number>(() => {}));
      futureController.cancel(make.call(Future, [input]), reason);
      assert.equal(await input.exception().catch((error: unknown) => error), reason);
    }
  });
});

describe('Future thenable', () => {
  test('then is lazy: a single promise is created on first use and shared', async () => {
    const deferred = defer<number>();
    const future = Future.from(deferred.promise);
    const first = future.then((v) => v + 1);
    const second = future.then((v) => v + 2);
    deferred.resolve(1);
    assert.deepEqual(await Promise.all([first, second]), [2, 3]);
  });

  test('an async function returning a future adopts it', async () => {
    const adopt = async () => Future.resolve('adopted');
    assert.equal(await adopt(), 'adopted');
  });
});

describe('Unretrieved errors', () => {
  test('1,000 failing futures never awaited: no unhandledRejection, one FANOUT_UNRETRIEVED warning each once collected', async () => {
    const { warnings, restore } = captureWarnings();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await failUnobserved(1000);
      await collectGarbageUntil(() => countCode(warnings, 'FANOUT_UNRETRIEVED') >= 1000, 200);
      assert.deepEqual(unhandled, []);
      const unretrieved = warnings.filter((warning) => warning.code === 'FANOUT_UNRETRIEVED');
      assert.equal(unretrieved.length, 1000);
      assert.match(unretrieved[0]?.message ?? '', /never retrieved: Error: task \d+ failed/);
      assert.equal(new Set(unretrieved.map((warning) => warning.message)).size, 1000);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      restore();
    }
  });

  test('an error retrieved by await, then, result() or exception() is never reported', async () => {
    const { warnings, restore } = captureWarnings();
    try {
      await failAndRetrieve();
      await collectGarbageUntil(() => false, 10);
      assert.equal(countCode(warnings, 'FANOUT_UNRETRIEVED'), 0);
    } finally {
      restore();
    }
  });

  test('a cancelled future is not reported', async () => {
    const { warnings, restore } = captureWarnings();
    try {
      (() => {
        for (let i = 0; i < 10; i++) Future.from(new Promise(() => {})).cancel();
      })();
      await collectGarbageUntil(() => false, 10);
      assert.equal(countCode(warnings, 'FANOUT_UNRETRIEVED'), 0);
    } finally {
      restore();
    }
  });
});

/** Fails `count` futures on an executor and drops them without looking. */
async function failUnobserved(count: number): Promise<void> {
  const executor = new Executor({ maxWorkers: 16 });
  for (let i = 0; i < count; i++) {
    executor.submit(async () => {
      throw new Error(`task ${i} failed`);
    });
  }
  await executor.onIdle();
  await flush();
}

async function failAndRetrieve(): Promise<void> {
  const futures = Array.from({ length: 4 }, (_, i) => Future.reject(new Error(`retrieved ${i}`)));
  await assert.rejects(async () => await futures[0]);
  await new Promise((resolve) => futures[1]?.then(undefined, resolve));
  await assert.rejects(futures[2]?.result() ?? Promise.resolve());
  await futures[3]?.exception();
  // Retrieved before failing: the failure arrives with an asker already in place.
  const deferred = defer<number>();
  const later = Future.from(deferred.promise);
  const waiting = later.exception();
  deferred.reject(new Error('later'));
  await waiting;
}

function countCode(warnings: readonly { code: string | undefined }[], code: string): number {
  return warnings.filter((warning) => warning.code === code).length;
}
