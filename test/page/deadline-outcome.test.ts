import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { definePage, type SectionFailure, TimeoutError } from '../../src/index.ts';
import { defer } from '../futures/helpers.ts';
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

describe('a late section has one outcome, whichever timer fires first', () => {
  for (const order of ORDERS) {
    test(`${order}: a section whose request hangs past its deadline is told timeout; the request is aborted`, async (t) => {
      const backend = await startBackend(t);
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const gate = defer<string>();
      const failures: SectionFailure[] = [];
      let signal: AbortSignal | undefined;
      const fallback = (failure: SectionFailure) => {
        failures.push(failure);
        return `[${failure.section} ${failure.reason}]`;
      };
      const page = definePage({ head: '', session: backend.session, budget: BUDGET, fallback })
        .section('gate', { data: () => gate.promise, render: (value) => value })
        .section('slow', {
          after: ['gate'],
          data: (_, context) => {
            signal = context.signal;
            return context.json('/slow');
          },
          render: () => 'never',
        })
        .section('below', { after: ['slow'], data: () => 1, render: () => 'never' });
      const rendering = page.render();
      const text = rendering.text();
      shiftClock(t, shiftFor(order));
      gate.resolve('g');
      await backend.log('slow').arrived.promise;
      tickToFirst(t, order);
      assert.equal(await text, 'g[slow timeout][below timeout]');
      const slow = failures[0];
      assert.ok(slow?.error instanceof TimeoutError, String(slow?.error));
      assert.equal(slow.error.phase, 'result', 'the section was late, whichever timer told it');
      assert.equal(slow.error.timeout, BUDGET);
      assert.equal(signal?.aborted, true, "late: 'cancel' aborts the section's signal");
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
