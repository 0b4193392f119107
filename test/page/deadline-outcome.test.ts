import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import {
  DeadlineError,
  DependencyError,
  definePage,
  type PageOptions,
  type SectionFailure,
  TimeoutError,
  Trace,
} from '../../src/index.ts';
import { defer } from '../futures/helpers.ts';
import { assertCutByDeadline, callErrors } from '../helpers/call-errors.ts';
import { shiftClock, shiftFor, type TimerOrder } from '../helpers/clock.ts';
import { startBackend } from './fixtures.ts';

/*
 * A section without a deadline of its own is due when the page budget runs out, and its requests
 * get the budget left as their deadline: two timers for one moment. Whichever fires first, the
 * late section is told `timeout` the same way. Each test renders the page, shifts the clock (see
 * shiftClock) and only then lets the section make its request (it waits for a `gate` section), so
 * the request's timer is armed 1 s short of the section's, or 1 s past it.
 */

const BUDGET = 10_000;
const ORDERS: readonly TimerOrder[] = ['request timer first', 'step timer first'];

/** Advances the fake clock until the first of the two timers has fired, not the second. */
function tickToFirst(t: TestContext, order: TimerOrder): void {
  t.mock.timers.tick(order === 'request timer first' ? BUDGET - 500 : BUDGET);
}

/** The error a late section's fallback is told: its TimeoutError (phase `result`). */
function sectionTimeout(failure: SectionFailure | undefined): TimeoutError {
  const error = failure?.error;
  assert.ok(error instanceof TimeoutError, String(error));
  assert.equal(error.phase, 'result');
  assert.match(error.message, /\(phase: result, limit: deadline of section "[^"]+"\)/);
  return error;
}

/** How a test sets up the page of {@link renderLatePage}. */
interface LatePageSetup {
  /** The page's options besides its head, session and fallback (a budget, a deadline, `late`…). */
  readonly page: Omit<PageOptions<undefined>, 'head' | 'session' | 'fallback'>;
  /** `slow`'s own deadline, if any. */
  readonly slowDeadline?: number;
  /** Whether the page has `below`, a section that waits for `slow`. */
  readonly below: boolean;
  readonly trace?: Trace;
}

/**
 * Renders the page these tests make late: `gate`, held until the clock is shifted for `order`
 * (see shiftClock), then `slow`, whose request to `/slow` hangs, and, with `below`, a section
 * waiting for `slow`. Returns once the first of the two timers has fired (see tickToFirst), with
 * every failure the page's fallback was told, by section (it renders `[section reason]`).
 */
async function renderLatePage(t: TestContext, order: TimerOrder, setup: LatePageSetup) {
  const backend = await startBackend(t);
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const gate = defer<string>();
  const failures = new Map<string, SectionFailure>();
  let slowSignal: AbortSignal | undefined;
  const fallback = (failure: SectionFailure) => {
    failures.set(failure.section, failure);
    return `[${failure.section} ${failure.reason}]`;
  };
  const withSlow = definePage({ ...setup.page, head: '', session: backend.session, fallback })
    .section('gate', { data: () => gate.promise, render: (value) => value })
    .section('slow', {
      after: ['gate'],
      ...(setup.slowDeadline === undefined ? {} : { deadline: setup.slowDeadline }),
      data: (_, context) => {
        slowSignal = context.signal;
        return context.json('/slow');
      },
      render: () => 'never',
    });
  const page = setup.below
    ? withSlow.section('below', { after: ['slow'], data: () => 1, render: () => 'never' })
    : withSlow;
  const rendering = page.render(setup.trace === undefined ? {} : { trace: setup.trace });
  const text = rendering.text();
  shiftClock(t, shiftFor(order));
  gate.resolve('g');
  await backend.log('slow').arrived.promise;
  tickToFirst(t, order);
  return { backend, rendering, text, failures, slowSignal: () => slowSignal };
}

describe('a late section has one outcome, whichever timer fires first', () => {
  for (const order of ORDERS) {
    test(`${order}: a section whose request hangs past its deadline is told timeout; the request is aborted`, async (t) => {
      const { backend, rendering, text, failures, slowSignal } = await renderLatePage(t, order, {
        page: { budget: BUDGET },
        below: true,
      });
      assert.equal(await text, 'g[slow timeout][below timeout]');
      assert.deepEqual([...failures.keys()], ['slow', 'below']);
      const slow = failures.get('slow');
      assert.ok(slow?.error instanceof TimeoutError, String(slow?.error));
      assert.equal(slow.error.phase, 'result', 'the section was late, whichever timer told it');
      assert.equal(slow.error.timeout, BUDGET);
      assert.equal(slowSignal()?.aborted, true, "late: 'cancel' aborts the section's signal");
      // `below`, still waiting for `slow` when the budget ran out, is late on its own.
      const below = sectionTimeout(failures.get('below')).cause;
      assert.ok(below instanceof DeadlineError, String(below));
      assert.equal(below.step, 'below');
      assert.equal(below.deadline, BUDGET);
      assert.deepEqual(
        rendering.sections().map((record) => [record.name, record.outcome]),
        [
          ['gate', 'ok'],
          ['slow', 'timeout'],
          ['below', 'timeout'],
        ],
      );
      await backend.log('slow').aborted.promise;
    });
  }
});

test("a request's own shorter total timeout is that request's timeout, not the section being late", async (t) => {
  const backend = await startBackend(t);
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const failures: SectionFailure[] = [];
  let signal: AbortSignal | undefined;
  const page = definePage({ head: '', session: backend.session, budget: BUDGET }).section('slow', {
    data: (_, context) => {
      signal = context.signal;
      return context.json('/slow', { timeout: { total: 1_000 } });
    },
    render: () => 'never',
    fallback: (failure) => {
      failures.push(failure);
      return failure.reason;
    },
  });
  const text = page.render().text();
  await backend.log('slow').arrived.promise;
  t.mock.timers.tick(1_000);
  assert.equal(await text, 'timeout');
  const error = failures[0]?.error;
  assert.ok(error instanceof TimeoutError, String(error));
  assert.equal(error.phase, 'total');
  assert.equal(signal?.aborted, false, 'not late: its signal is not aborted');
});

/*
 * The page's flow tells the same story as the fallbacks: a late section's step is `timedOut` with
 * the flow's DeadlineError (its `deadline` the section's), whichever of the section's timer and
 * its request's fired first, and a section waiting for it, due later (the page's deadline, twice
 * the section's own), fails with a DependencyError whose root cause is that DeadlineError. The
 * trace, which records the page's flow and sections, says so too, and records the late request as
 * cut by that deadline.
 */
describe("the page's flow reports a late section one way, whichever timer fires first", () => {
  for (const order of ORDERS) {
    test(`${order}: the late section is timedOut with a DeadlineError; its dependent's root cause is it`, async (t) => {
      const trace = new Trace({ name: 'request' });
      const errors = callErrors(t);
      const { backend, rendering, text, failures } = await renderLatePage(t, order, {
        page: { name: 'home', deadline: 2 * BUDGET },
        slowDeadline: BUDGET,
        below: true,
        trace,
      });
      assert.equal(await text, 'g[slow timeout][below timeout]');
      await rendering.flow.onDone();
      const report = rendering.flow.report();
      assert.deepEqual(
        report.steps.map((step) => [step.name, step.outcome]),
        [
          ['gate', 'ok'],
          ['slow', 'timedOut'],
          ['below', 'failed'],
        ],
      );
      const late = report.steps[1]?.error;
      assert.ok(late instanceof DeadlineError, String(late));
      assert.equal(late.step, 'slow');
      assert.equal(late.deadline, BUDGET);
      const below = report.steps[2]?.error;
      assert.ok(below instanceof DependencyError, String(below));
      assert.equal(below.rootCause, late);
      assert.equal(
        failures.get('below')?.error,
        below,
        "the dependent's fallback is told the same",
      );
      assert.equal(sectionTimeout(failures.get('slow')).cause, late, 'the cause of its timeout');
      const summary = trace.summary();
      assert.deepEqual(
        summary.flows[0]?.steps.map((step) => [step.name, step.outcome, step.error]),
        [
          ['gate', 'ok', undefined],
          ['slow', 'timedOut', 'FANOUT_DEADLINE'],
          ['below', 'failed', 'FANOUT_DEPENDENCY'],
        ],
      );
      assert.deepEqual(
        trace.sections.map((record) => [record.name, record.outcome]),
        [
          ['gate', 'ok'],
          ['slow', 'timeout'],
          ['below', 'timeout'],
        ],
      );
      assert.match(rendering.serverTiming(), /section-slow;dur=[\d.]+;desc="slow timeout"/);
      // The request was cut by the section's deadline, whichever timer fired: recorded as an
      // error with FANOUT_TIMEOUT (not as cancelled when the step's timer fired first), its
      // TimeoutError of phase `deadline` due at the step's very moment.
      assert.deepEqual(
        trace.requests.map((request) => [request.outcome, request.errorCode]),
        [['error', 'FANOUT_TIMEOUT']],
      );
      assert.deepEqual(
        trace.toHAR().log.entries.map((entry) => [entry._outcome, entry._error]),
        [['error', 'FANOUT_TIMEOUT']],
      );
      assertCutByDeadline(errors, late.dueAt);
      await backend.log('slow').aborted.promise;
    });
  }
});

describe("the page's deadline: every section not done is late on its own", () => {
  for (const order of ORDERS) {
    test(`${order}: each section not done gets its own DeadlineError, running or waiting; one done in time stays ok`, async (t) => {
      const backend = await startBackend(t);
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const gate = defer<string>();
      const failures = new Map<string, SectionFailure>();
      const fallback = (failure: SectionFailure) => {
        failures.set(failure.section, failure);
        return `[${failure.section} ${failure.reason}]`;
      };
      // The page's deadline, not the budget (twice as long), is every section's due time.
      const page = definePage({
        head: '',
        session: backend.session,
        deadline: BUDGET,
        budget: 2 * BUDGET,
        fallback,
      })
        .section('gate', { data: () => gate.promise, render: (value) => value })
        .section('fast', {
          after: ['gate'],
          data: (_, { json }) => json<{ name: string }>('/fast'),
          render: (data) => data.name,
        })
        .section('a', { after: ['gate'], data: (_, { json }) => json('/a'), render: () => 'never' })
        .section('b', { after: ['gate'], data: (_, { json }) => json('/b'), render: () => 'never' })
        .section('afterA', { after: ['a'], data: () => 1, render: () => 'never' });
      const rendering = page.render();
      const text = rendering.text();
      shiftClock(t, shiftFor(order));
      gate.resolve('g');
      await Promise.all(['fast', 'a', 'b'].map((name) => backend.log(name).arrived.promise));
      backend.release('fast');
      await backend.log('fast').answered.promise;
      await rendering.flow.steps.fast;
      tickToFirst(t, order);
      assert.equal(await text, 'gfast[a timeout][b timeout][afterA timeout]');
      await rendering.flow.onDone();
      const steps = rendering.flow.report().steps;
      assert.deepEqual(
        steps.map((step) => [step.name, step.outcome]),
        [
          ['gate', 'ok'],
          ['fast', 'ok'],
          ['a', 'timedOut'],
          ['b', 'timedOut'],
          ['afterA', 'timedOut'],
        ],
      );
      for (const step of steps.slice(2)) {
        const error = step.error;
        assert.ok(error instanceof DeadlineError, `${step.name}: ${String(error)}`);
        assert.equal(error.step, step.name, 'its own');
        assert.equal(error.deadline, BUDGET);
        assert.equal(sectionTimeout(failures.get(step.name)).cause, error);
      }
      assert.equal(failures.has('fast'), false);
      await Promise.all(['a', 'b'].map((name) => backend.log(name).aborted.promise));
    });
  }
});

describe("late: 'finish': the section is late, its step ends as its work does", () => {
  for (const order of ORDERS) {
    test(`${order}: told timeout at the budget; the step fails with its request's TimeoutError`, async (t) => {
      const { backend, rendering, text, failures, slowSignal } = await renderLatePage(t, order, {
        page: { budget: BUDGET, late: 'finish' },
        below: false,
      });
      assert.equal(await text, 'g[slow timeout]');
      assert.deepEqual([...failures.keys()], ['slow']);
      const error = failures.get('slow')?.error;
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal(error.phase, 'result');
      assert.equal(error.timeout, BUDGET);
      assert.equal(slowSignal()?.aborted, false, 'its work is left to finish');
      // The request still runs until its own deadline (the budget's end) when the section's
      // timer fired first: let it.
      t.mock.timers.tick(2_000);
      await rendering.flow.onDone();
      const step = rendering.flow.report().steps[1];
      assert.equal(step?.outcome, 'failed');
      assert.ok(step.error instanceof TimeoutError, String(step.error));
      assert.equal(step.error.phase, 'deadline');
      await backend.log('slow').aborted.promise;
    });
  }
});

test("late: 'finish': the step runs on after the fallback went out, then is ok when the data arrives; its request is recorded ok", async (t) => {
  const backend = await startBackend(t);
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const trace = new Trace({ name: 'request' });
  const page = definePage({ head: '', session: backend.session, late: 'finish' }).section('slow', {
    deadline: BUDGET,
    data: (_, { json }) => json<{ name: string }>('/slow'),
    render: () => 'never',
    fallback: ({ reason }) => reason,
  });
  const rendering = page.render({ trace });
  const text = rendering.text();
  await backend.log('slow').arrived.promise;
  t.mock.timers.tick(BUDGET);
  assert.equal(await text, 'timeout');
  assert.deepEqual(
    trace.sections.map((record) => [record.name, record.outcome]),
    [['slow', 'timeout']],
  );
  assert.equal(rendering.flow.report().steps[0]?.outcome, 'running', 'no deadline: it runs on');
  backend.release('slow');
  await rendering.flow.onDone();
  const step = rendering.flow.report().steps[0];
  assert.equal(step?.outcome, 'ok');
  assert.equal(step.error, undefined);
  assert.deepEqual(await rendering.flow.steps.slow, { name: 'slow' });
  assert.deepEqual(
    trace.requests.map((request) => [request.outcome, request.status]),
    [['ok', 200]],
  );
});
