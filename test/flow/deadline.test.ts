import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DeadlineError,
  DependencyError,
  FuturesSession,
  flow,
  InvalidOptionError,
} from '../../src/index.ts';
import { defer, flush } from '../futures/helpers.ts';
import { freezeClock } from '../helpers/clock.ts';
import { deferred, startServer } from '../helpers/server.ts';

const never = <T>() => new Promise<T>(() => {});

describe('flow deadlines', () => {
  test('a step that misses its deadline fails with a DeadlineError, its signal aborted, its dependents failed', {
    timeout: 10_000,
  }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let signal: AbortSignal | undefined;
    const running = flow({ name: 'page' })
      .step(
        'recs',
        (_inputs, step) => {
          signal = step.signal;
          return never<string[]>();
        },
        { deadline: 200 },
      )
      .step('count', ['recs'], ({ recs }) => recs.length)
      .start();
    t.mock.timers.tick(199);
    await flush();
    assert.equal(running.steps.recs.running(), true);
    t.mock.timers.tick(1);
    const error = await running.steps.recs.exception();
    assert.ok(error instanceof DeadlineError);
    assert.equal(error.code, 'FANOUT_DEADLINE');
    assert.equal(error.scope, 'step');
    assert.equal(error.deadline, 200);
    assert.equal(error.step, 'recs');
    assert.equal(error.message, 'Step `recs` of flow `page` missed its deadline of 200 ms');
    assert.equal(signal?.aborted, true);
    assert.equal(signal?.reason, error);
    const dependent = await running.steps.count.exception();
    assert.ok(dependent instanceof DependencyError);
    assert.equal(dependent.rootCause, error);
    assert.deepEqual(
      running.report().steps.map((step) => step.outcome),
      ['timedOut', 'failed'],
    );
  });

  test('a deadline counts from the start of the flow, including the wait for dependencies', {
    timeout: 10_000,
  }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const user = defer<number>();
    const running = flow()
      .step('user', () => user.promise)
      .step('orders', ['user'], () => never<number>(), { deadline: 200 })
      .start();
    t.mock.timers.tick(150);
    user.resolve(1);
    await flush();
    assert.equal(running.steps.orders.running(), true);
    t.mock.timers.tick(50);
    assert.ok((await running.steps.orders.exception()) instanceof DeadlineError);
  });

  test('a step still waiting for its dependencies times out too', {
    timeout: 10_000,
  }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let ran = false;
    const running = flow()
      .step('user', () => never<number>())
      .step(
        'orders',
        ['user'],
        () => {
          ran = true;
          return 1;
        },
        { deadline: 100 },
      )
      .start();
    t.mock.timers.tick(100);
    assert.ok((await running.steps.orders.exception()) instanceof DeadlineError);
    assert.equal(ran, false);
    assert.equal(running.steps.user.running(), true, 'the dependency is not cancelled');
    running.cancel();
  });

  test('a missed deadline takes the fallback, and dependents run with it', {
    timeout: 10_000,
  }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const running = flow()
      .step('recs', () => never<string[]>(), { deadline: 50, fallback: ['bestsellers'] })
      .step('first', ['recs'], ({ recs }) => recs[0])
      .start();
    t.mock.timers.tick(50);
    assert.equal(await running.steps.first, 'bestsellers');
    const recs = running.report().steps[0];
    assert.equal(recs?.outcome, 'fallback');
    assert.ok(recs?.error instanceof DeadlineError);
  });

  test("the flow's deadline times out every step not done; done steps keep their values", {
    timeout: 10_000,
  }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const running = flow({ name: 'home' })
      .step('fast', () => 'fast')
      .step('slow', () => never<number>())
      .step('afterSlow', ['slow'], () => 1)
      .step('optional', () => never<string>(), { fallback: 'default' })
      .start({ deadline: 1_000 });
    t.mock.timers.tick(999);
    await flush();
    assert.equal(running.done(), false);
    t.mock.timers.tick(1);
    await running.onDone();
    const report = running.report();
    assert.deepEqual(
      report.steps.map((step) => [step.name, step.outcome]),
      [
        ['fast', 'ok'],
        ['slow', 'timedOut'],
        ['afterSlow', 'timedOut'],
        ['optional', 'fallback'],
      ],
    );
    const slow = await running.steps.slow.exception();
    assert.ok(slow instanceof DeadlineError);
    assert.equal(slow.scope, 'flow');
    assert.equal(
      slow.message,
      'Flow `home` missed its deadline of 1000 ms before step `slow` was done',
    );
    const afterSlow = await running.steps.afterSlow.exception();
    assert.ok(afterSlow instanceof DeadlineError, 'its own deadline error, not a dependency error');
    assert.equal(await running.steps.fast, 'fast');
    assert.equal(await running.steps.optional, 'default');
  });

  test('a deadline bounds a fallback function that is still running', {
    timeout: 10_000,
  }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const running = flow()
      .step('a', () => Promise.reject(new Error('down')), { fallback: () => never<number>() })
      .step('b', ['a'], ({ a }) => a)
      .start({ deadline: 100 });
    await flush();
    assert.equal(running.done(), false);
    t.mock.timers.tick(100);
    const error = await running.steps.a.exception();
    assert.ok(error instanceof DeadlineError);
    assert.equal(error.scope, 'flow');
    assert.ok((await running.steps.b.exception()) instanceof DeadlineError);
    assert.equal(running.report().steps[0]?.outcome, 'timedOut');
  });

  test('deadlines are cleared once the flow is done', { timeout: 10_000 }, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const value = defer<number>();
    const running = flow()
      .step('a', () => value.promise, { deadline: 100 })
      .start({ deadline: 100 });
    value.resolve(1);
    await running.onDone();
    t.mock.timers.tick(1_000);
    assert.equal(running.report().steps[0]?.outcome, 'ok');
    assert.equal(await running.steps.a, 1);
  });

  test('a missed deadline aborts the request in flight (the server sees the socket close)', {
    timeout: 10_000,
  }, async (t) => {
    const arrived = deferred();
    const closed = deferred();
    const server = await startServer(t, (request) => {
      request.socket.once('close', () => closed.resolve());
      arrived.resolve();
    });
    await using s = new FuturesSession({ baseURL: server.origin, retry: false });
    t.mock.timers.enable({ apis: ['setTimeout'] });
    // The request takes the step's deadline, on performance.now(): real time the machine spends
    // before sending it (the process's first request loads modules) must not pass the deadline,
    // or the request fails unsent, as it should, and never arrives. Only the tick passes it.
    freezeClock(t);
    const running = flow()
      .step('slow', () => s.get('/slow'), { deadline: 50 })
      .start();
    await arrived.promise;
    t.mock.timers.tick(50);
    assert.ok((await running.steps.slow.exception()) instanceof DeadlineError);
    await closed.promise;
  });

  for (const deadline of [-1, Number.NaN, '100', null]) {
    test(`a deadline of ${String(deadline)} is an InvalidOptionError naming the step or the flow`, () => {
      const bad = deadline as number;
      assert.throws(
        () => flow().step('a', () => 1, { deadline: bad }),
        (error: unknown) =>
          error instanceof InvalidOptionError &&
          error.message.startsWith('Expected `deadline` of step `a` to be a non-negative number'),
      );
      assert.throws(
        () =>
          flow()
            .step('a', () => 1)
            .start({ deadline: bad }),
        /Expected `deadline` to be a non-negative number of milliseconds/,
      );
    });
  }
});
