import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import {
  DeadlineError,
  DependencyError,
  FuturesSession,
  flow,
  TimeoutError,
  Trace,
  withDeadline,
} from '../../src/index.ts';
import { defer } from '../futures/helpers.ts';
import { assertCutByDeadline, callErrors } from '../helpers/call-errors.ts';
import { shiftClock, shiftFor, type TimerOrder } from '../helpers/clock.ts';
import { countingServer } from './fixtures.ts';

/*
 * A step's deadline is also the deadline of the requests its function makes: two timers for one
 * moment. Whichever fires first, the step that ran out of time is `timedOut` with a DeadlineError.
 * Each test starts the flow, shifts the clock (see shiftClock) and only then lets the step make
 * its request, so the request's timer is armed 1 s short of the step's, or 1 s past it.
 */

const DEADLINE = 10_000;
const ORDERS: readonly TimerOrder[] = ['request timer first', 'step timer first'];

/** Advances the fake clock until the first of the two timers has fired, not the second. */
function tickToFirst(t: TestContext, order: TimerOrder): void {
  t.mock.timers.tick(order === 'request timer first' ? DEADLINE - 500 : DEADLINE);
}

/** A server that holds every request, and a session on it with no timeout of its own. */
async function hangingBackend(t: TestContext) {
  const server = await countingServer(t);
  const session = new FuturesSession({
    baseURL: server.origin,
    retry: false,
    timeout: { total: false },
  });
  t.after(() => session.close());
  t.mock.timers.enable({ apis: ['setTimeout'] });
  return { server, session };
}

describe('a deadline has one outcome, whichever timer fires first', () => {
  for (const order of ORDERS) {
    test(`${order}: a step whose request hangs past its deadline is timedOut with a DeadlineError; the request is aborted`, async (t) => {
      const { server, session } = await hangingBackend(t);
      const gate = defer();
      const trace = new Trace({ name: 'request' });
      const errors = callErrors(t);
      const running = trace.run(() =>
        flow({ name: 'page' })
          .step('gate', () => gate.promise)
          .step('recs', ['gate'], () => session.get('/recs'), { deadline: DEADLINE })
          .step('count', ['recs'], ({ recs }) => recs.status)
          .start(),
      );
      shiftClock(t, shiftFor(order));
      gate.resolve();
      await server.arrived(1);
      tickToFirst(t, order);
      const error = await running.steps.recs.exception();
      assert.ok(error instanceof DeadlineError, String(error));
      assert.equal(error.scope, 'step');
      assert.equal(error.deadline, DEADLINE);
      assert.equal(error.step, 'recs');
      const dependent = await running.steps.count.exception();
      assert.ok(dependent instanceof DependencyError, String(dependent));
      assert.equal(dependent.rootCause, error);
      await running.onDone();
      assert.deepEqual(
        running.report().steps.map((step) => [step.name, step.outcome]),
        [
          ['gate', 'ok'],
          ['recs', 'timedOut'],
          ['count', 'failed'],
        ],
      );
      assert.deepEqual(
        trace.summary().flows[0]?.steps.map((step) => [step.name, step.outcome, step.error]),
        [
          ['gate', 'ok', undefined],
          ['recs', 'timedOut', 'FANOUT_DEADLINE'],
          ['count', 'failed', 'FANOUT_DEPENDENCY'],
        ],
      );
      // The request was cut by the step's deadline, whichever timer fired: recorded so, with
      // its TimeoutError of phase `deadline` due at the step's very moment.
      await server.arrivals[0]?.socketClosed;
      assert.deepEqual(
        trace.toHAR().log.entries.map((entry) => [entry._outcome, entry._error]),
        [['error', 'FANOUT_TIMEOUT']],
      );
      assertCutByDeadline(errors, error.dueAt);
    });

    test(`${order}: a step returning a future derived from its request (.map) past its deadline: the request is recorded a deadline timeout`, async (t) => {
      const { server, session } = await hangingBackend(t);
      const gate = defer();
      const trace = new Trace({ name: 'request' });
      const errors = callErrors(t);
      const running = trace.run(() =>
        flow({ name: 'page' })
          .step('gate', () => gate.promise)
          .step('recs', ['gate'], () => session.get('/recs').map((response) => response.json()), {
            deadline: DEADLINE,
          })
          .start(),
      );
      shiftClock(t, shiftFor(order));
      gate.resolve();
      await server.arrived(1);
      tickToFirst(t, order);
      const error = await running.steps.recs.exception();
      assert.ok(error instanceof DeadlineError, String(error));
      await server.arrivals[0]?.socketClosed;
      assert.deepEqual(
        trace.toHAR().log.entries.map((entry) => [entry._outcome, entry._error]),
        [['error', 'FANOUT_TIMEOUT']],
      );
      assertCutByDeadline(errors, error.dueAt);
    });

    test(`${order}: a step with a fallback takes it, with the DeadlineError as the reason`, async (t) => {
      const { server, session } = await hangingBackend(t);
      const gate = defer();
      const reasons: unknown[] = [];
      const running = flow()
        .step('gate', () => gate.promise)
        .step('recs', ['gate'], () => session.get('/recs').map((response) => response.status), {
          deadline: DEADLINE,
          fallback: ({ error }) => {
            reasons.push(error);
            return 0;
          },
        })
        .start();
      shiftClock(t, shiftFor(order));
      gate.resolve();
      await server.arrived(1);
      tickToFirst(t, order);
      assert.equal(await running.steps.recs, 0);
      assert.equal(reasons.length, 1);
      assert.ok(reasons[0] instanceof DeadlineError, String(reasons[0]));
      const report = running.report().steps[1];
      assert.equal(report?.outcome, 'fallback');
      assert.equal(report?.error, reasons[0]);
      await server.arrivals[0]?.socketClosed;
    });

    test(`${order}: when the flow's deadline passes, every step not done gets its own DeadlineError`, async (t) => {
      const { server, session } = await hangingBackend(t);
      const gate = defer();
      const running = flow({ name: 'home' })
        .step('gate', () => gate.promise)
        .step('a', ['gate'], () => session.get('/a'))
        .step('b', ['gate'], () => session.get('/b'))
        .step('afterA', ['a'], ({ a }) => a.status)
        .start({ deadline: DEADLINE });
      shiftClock(t, shiftFor(order));
      gate.resolve();
      await server.arrived(2);
      tickToFirst(t, order);
      await running.onDone();
      const errors = await Promise.all(
        (['a', 'b', 'afterA'] as const).map((name) => running.steps[name].exception()),
      );
      for (const [index, name] of ['a', 'b', 'afterA'].entries()) {
        const error = errors[index];
        assert.ok(error instanceof DeadlineError, `${name}: ${String(error)}`);
        assert.equal(error.scope, 'flow');
        assert.equal(error.step, name);
        assert.equal(error.deadline, DEADLINE);
      }
      assert.deepEqual(
        running.report().steps.map((step) => step.outcome),
        ['ok', 'timedOut', 'timedOut', 'timedOut'],
      );
      await Promise.all(server.arrivals.map((arrival) => arrival.socketClosed));
    });
  }
});

/*
 * A step still waiting when its own deadline passes times out on its own, even when the step it
 * waits for timed out at that very moment and would fail it first: each step compares its due
 * time with the deadline its dependency failed by (the root cause's `dueAt`), whichever timer
 * fired. A step due later is failed by its dependency.
 */
describe('a waiting step whose deadline passed too gets its own DeadlineError', () => {
  for (const order of ORDERS) {
    test(`${order}: due at the same moment it times out; due later it gets the DependencyError`, async (t) => {
      const { server, session } = await hangingBackend(t);
      const gate = defer();
      const running = flow({ name: 'page' })
        .step('gate', () => gate.promise)
        .step('recs', ['gate'], () => session.get('/recs'), { deadline: DEADLINE })
        .step('count', ['recs'], ({ recs }) => recs.status, { deadline: DEADLINE })
        .step('later', ['recs'], ({ recs }) => recs.status, { deadline: 2 * DEADLINE })
        // Behind `later`, which fails by the dependency, but due when `recs` timed out.
        .step('last', ['later'], ({ later }) => later, { deadline: DEADLINE })
        .start();
      shiftClock(t, shiftFor(order));
      gate.resolve();
      await server.arrived(1);
      tickToFirst(t, order);
      await running.steps.recs.exception();
      assert.deepEqual(
        running.report().steps.map((step) => [step.name, step.outcome]),
        [
          ['gate', 'ok'],
          ['recs', 'timedOut'],
          ['count', 'timedOut'],
          ['later', 'failed'],
          ['last', 'timedOut'],
        ],
      );
      const recs = await running.steps.recs.exception();
      for (const name of ['count', 'last'] as const) {
        const error = await running.steps[name].exception();
        assert.ok(error instanceof DeadlineError, `${name}: ${String(error)}`);
        assert.equal(error.step, name, 'its own');
        assert.equal(error.scope, 'step');
        assert.equal(error.deadline, DEADLINE);
        assert.ok(recs instanceof DeadlineError);
        assert.equal(error.dueAt, recs.dueAt, 'due at the same moment');
      }
      const later = await running.steps.later.exception();
      assert.ok(later instanceof DependencyError, String(later));
      assert.equal(later.rootCause, recs);
      await server.arrivals[0]?.socketClosed;
    });
  }
});

describe('a request that fails for its own reasons fails the step', () => {
  test('its own shorter total timeout: failed, with the TimeoutError of phase total', async (t) => {
    const { server, session } = await hangingBackend(t);
    const running = flow()
      .step('recs', () => session.get('/recs', { timeout: { total: 1_000 } }), {
        deadline: DEADLINE,
      })
      .step('count', ['recs'], ({ recs }) => recs.status)
      .start();
    await server.arrived(1);
    t.mock.timers.tick(1_000);
    const error = await running.steps.recs.exception();
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.phase, 'total');
    const dependent = await running.steps.count.exception();
    assert.ok(dependent instanceof DependencyError);
    assert.equal(dependent.rootCause, error);
    assert.deepEqual(
      running.report().steps.map((step) => step.outcome),
      ['failed', 'failed'],
    );
  });

  test("a sooner deadline of its own (withDeadline): failed, with that deadline's TimeoutError", async (t) => {
    const { server, session } = await hangingBackend(t);
    const running = flow()
      .step('recs', () => withDeadline(1_000, () => session.get('/recs')), {
        deadline: DEADLINE,
      })
      .start();
    await server.arrived(1);
    t.mock.timers.tick(1_000);
    const error = await running.steps.recs.exception();
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.phase, 'deadline');
    assert.equal(running.report().steps[0]?.outcome, 'failed');
  });
});
