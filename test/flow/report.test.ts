import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { criticalPath } from '../../src/flow/report.ts';
import type { StepReport } from '../../src/index.ts';
import { flow } from '../../src/index.ts';
import { defer, flush } from '../futures/helpers.ts';

function step(name: string, after: string[], started: number, finished?: number): StepReport {
  return { name, after, outcome: 'ok', queued: 0, started, finished };
}

describe('flow critical path', () => {
  test('walks back from the last step to finish through the dependency it waited for last', () => {
    const steps = [
      step('user', [], 0, 40),
      step('prefs', [], 0, 10),
      step('orders', ['user', 'prefs'], 40, 90),
      step('weather', [], 0, 60),
    ];
    assert.deepEqual(criticalPath(steps), ['user', 'orders']);
  });

  test('an independent step that finishes last is the whole path', () => {
    const steps = [
      step('user', [], 0, 40),
      step('orders', ['user'], 40, 90),
      step('slow', [], 0, 120),
    ];
    assert.deepEqual(criticalPath(steps), ['slow']);
  });

  test('steps not finished are left out; no finished step gives an empty path', () => {
    assert.deepEqual(criticalPath([step('a', [], 0)]), []);
    assert.deepEqual(criticalPath([step('a', [], 0, 5), step('b', ['a'], 5)]), ['a']);
  });

  test('a dependency that finished after its dependent (a timed-out wait) is not on the path', () => {
    const steps = [step('slow', [], 0, 300), step('page', ['slow'], 0, 200)];
    assert.deepEqual(criticalPath(steps), ['slow']);
    assert.deepEqual(criticalPath(steps.slice(1).concat([step('slow', [], 0)])), ['page']);
  });
});

describe('flow report', () => {
  test('per step: queued, started and finished times in order, outcome, and the critical path', async () => {
    const user = defer<number>();
    const prefs = defer<string>();
    const running = flow({ name: 'home' })
      .step('user', () => user.promise)
      .step('prefs', () => prefs.promise)
      .step('orders', ['user', 'prefs'], async ({ user }) => user * 2)
      .start();
    const early = running.report();
    assert.equal(early.name, 'home');
    assert.deepEqual(
      early.steps.map((s) => s.outcome),
      ['running', 'running', 'waiting'],
    );
    assert.deepEqual(early.criticalPath, []);
    prefs.resolve('dark');
    await flush();
    user.resolve(21);
    await running.onDone();
    const report = running.report();
    assert.deepEqual(report.criticalPath, ['user', 'orders']);
    const [userStep, prefsStep, orders] = report.steps as StepReport[];
    for (const s of [userStep, prefsStep, orders]) {
      assert.equal(s?.queued, 0);
      assert.ok((s?.started as number) >= 0);
      assert.ok((s?.finished as number) >= (s?.started as number));
    }
    assert.ok((prefsStep?.finished as number) < (userStep?.finished as number));
    // Started in the callback that finished its last dependency: at that very moment.
    assert.equal(orders?.started, userStep?.finished);
    assert.equal(
      userStep?.started,
      prefsStep?.started,
      'the steps without dependencies start together',
    );
    assert.deepEqual(orders?.after, ['user', 'prefs']);
    assert.equal(report.wallTime, orders?.finished);
    assert.equal(running.report().wallTime, report.wallTime, 'the wall time stops once done');
  });
});
