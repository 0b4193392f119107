import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { type TestContext, test } from 'node:test';
import { Flow } from '../../src/flow/flow.ts';
import { planOf } from '../../src/flow/plan.ts';
import type { StepSpec } from '../../src/flow/step-options.ts';
import { DeadlineError } from '../../src/index.ts';
import { flush } from '../futures/helpers.ts';

/*
 * A flow may run on a clock started before it was built (a page's flow counts from the page's
 * start): its `origin`. Its deadlines are ms after that origin, so its timers fire then — not
 * `deadline` ms after the flow was built, which would be later than the due time its steps give
 * their requests. Each test builds the flow with its origin 1 s ago and a deadline of 10 s: due
 * 9 s from now.
 */

const AGO = 1_000;
const DEADLINE = 10_000;

const never = () => new Promise<never>(() => {});

/** A running flow of one step that never ends, on a clock started {@link AGO} ms ago. */
function flowStartedAgo(
  t: TestContext,
  deadlines: { step?: number; flow?: number },
): Flow<Record<string, unknown>> {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const spec: StepSpec = {
    name: 'slow',
    after: [],
    run: never,
    deadline: deadlines.step,
    hasFallback: false,
    fallback: undefined,
    raiseForStatus: undefined,
  };
  return new Flow({
    name: 'page',
    plan: planOf([spec]),
    raiseForStatus: true,
    deadline: deadlines.flow,
    signal: undefined,
    origin: performance.now() - AGO,
  });
}

/** Advances the fake clock to just short of the due time, checks the step runs, then past it. */
async function passDueTime(t: TestContext, running: Flow<Record<string, unknown>>) {
  // Margins of 0.5 s either side: the clock read when the timers are armed is a moment later.
  t.mock.timers.tick(DEADLINE - AGO - 500);
  await flush();
  assert.equal(running.steps.slow?.running(), true, 'not due yet');
  t.mock.timers.tick(500);
  await flush();
  assert.equal(running.steps.slow?.done(), true, 'timed out at its due time');
  const error = await running.steps.slow?.exception();
  assert.ok(error instanceof DeadlineError, String(error));
  return error;
}

test("a step's deadline timer fires at its due time after the flow's origin, not after it was built", async (t) => {
  const running = flowStartedAgo(t, { step: DEADLINE });
  const error = await passDueTime(t, running);
  assert.equal(error.scope, 'step');
  assert.equal(error.deadline, DEADLINE);
});

test("the flow's deadline timer fires at its due time after the flow's origin, not after it was built", async (t) => {
  const running = flowStartedAgo(t, { flow: DEADLINE });
  const error = await passDueTime(t, running);
  assert.equal(error.scope, 'flow');
  assert.equal(error.deadline, DEADLINE);
});
