import assert from 'node:assert/strict';
import { mock, type TestContext, test } from 'node:test';
import {
  CancelledError,
  DeadlineError,
  type Future,
  FuturesSession,
  flow,
  type Response,
  TimeoutError,
  Trace,
  withDeadline,
} from '../../src/index.ts';
import { assertCutByDeadline, callErrors } from '../helpers/call-errors.ts';
import { freezeClock, shiftClock, shiftFor } from '../helpers/clock.ts';
import { type Deferred, deferred, startServer } from '../helpers/server.ts';

/**
 * A FuturesSession with one worker, held by a request to `/hold` that the server does not answer
 * until `release` is resolved: whatever is made next waits in the queue. `paths` lists what the
 * server received.
 */
async function heldSession(t: TestContext) {
  const release: Deferred<void> = deferred();
  const holding = deferred();
  const paths: string[] = [];
  // Registered first, so it runs before the server closes: the held request is answered.
  let close = async () => {};
  t.after(() => close());
  const server = await startServer(t, async (request, response) => {
    request.resume();
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    paths.push(path);
    if (path === '/hold') {
      holding.resolve();
      await release.promise;
    }
    response.end(path);
  });
  const futures = new FuturesSession({ baseURL: server.origin, maxWorkers: 1 });
  const held = futures.get('/hold');
  close = async () => {
    release.resolve();
    await held;
    await futures.close({ cancelPending: true });
  };
  await holding.promise;
  return { futures, held, release, paths };
}

/** The error a future failed with (it must fail). */
async function failure(future: Future<Response>): Promise<unknown> {
  const error = await future.exception();
  assert.ok(error !== undefined, 'the future failed');
  return error;
}

test('a queued request fails at its withDeadline deadline, unsent, and leaves the queue', async (t) => {
  const { futures, held, release, paths } = await heldSession(t);
  // The error's `timeout` is the budget the request was made with: what was left of the 50 ms
  // when it was queued. Real time between the two (25 ms, seen on a loaded machine) would leave
  // less; with performance.now() stopped none passes, and the real 50 ms timer still expires it.
  freezeClock(t);
  const queued = withDeadline(50, () => futures.get('/late'));
  assert.equal(futures.executor.queued, 1);

  const error = await failure(queued);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.equal(error.phase, 'deadline');
  assert.equal(error.timeout, 50);
  assert.equal(new URL(error.request?.url ?? '').pathname, '/late');
  assert.equal(held.done(), false, 'failed while the worker is still held');
  assert.equal(futures.executor.queued, 0);
  assert.equal(futures.executor.active, 1);

  release.resolve();
  await held;
  assert.deepEqual(paths, ['/hold'], 'the server never saw it');
});

test('it fails at that very moment: not a millisecond before its deadline, and not after', {
  timeout: 10_000,
}, async (t) => {
  // Reset before the session's cleanup, which must clear the held request's real timer.
  t.after(() => mock.timers.reset());
  const { futures, held } = await heldSession(t);
  mock.timers.enable({ apis: ['setTimeout'] });
  // The deadline is read on performance.now() when withDeadline starts, the queue's timer armed
  // for what is left of it when the request is queued: a millisecond of real time between the two
  // (a loaded machine) would arm it for 49 ms or less. Stopped, that clock leaves it exactly 50.
  freezeClock(t);
  const queued = withDeadline(50, () => futures.get('/late'));
  mock.timers.tick(49);
  assert.equal(queued.done(), false);
  assert.equal(futures.executor.queued, 1);
  mock.timers.tick(1);
  assert.equal(queued.done(), true);
  assert.equal(futures.executor.queued, 0);
  assert.equal(held.done(), false);
  const error = await failure(queued);
  assert.ok(error instanceof TimeoutError && error.phase === 'deadline', String(error));
});

test('a queued request fails when its total timeout passes: it counts from when it was made', async (t) => {
  const { futures, held, release, paths } = await heldSession(t);
  const queued = futures.get('/late', { timeout: { total: 50 } });

  const error = await failure(queued);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.equal(error.phase, 'total');
  assert.equal(error.timeout, 50);
  assert.equal(held.done(), false);
  assert.equal(futures.executor.queued, 0);

  release.resolve();
  await held;
  assert.deepEqual(paths, ['/hold']);
});

test('the per-request deadline option does the same', async (t) => {
  const { futures, held } = await heldSession(t);
  // As above: its `timeout` is exactly 30 only if no real time passes as it is queued.
  freezeClock(t);
  const error = await failure(futures.get('/late', { deadline: 30 }));
  assert.ok(error instanceof TimeoutError && error.phase === 'deadline', String(error));
  assert.equal(error.timeout, 30);
  assert.equal(held.done(), false);
  assert.equal(futures.executor.queued, 0);
});

test('a queued request whose signal aborts fails at once with a CancelledError, unsent', async (t) => {
  const { futures, held, release, paths } = await heldSession(t);
  const controller = new AbortController();
  const queued = futures.get('/late', { signal: controller.signal });
  const reason = new Error('the user went away');
  controller.abort(reason);
  assert.equal(queued.cancelled(), true);
  assert.equal(futures.executor.queued, 0);
  const error = await queued.result().catch((failed: unknown) => failed);
  assert.ok(error instanceof CancelledError, String(error));
  assert.equal(error.cause, reason);
  assert.equal(held.done(), false);

  release.resolve();
  await held;
  assert.deepEqual(paths, ['/hold']);
});

test("a flow step's queued request fails at the step's deadline", async (t) => {
  const { futures, held, release, paths } = await heldSession(t);
  let request: Future<Response> | undefined;
  const running = flow()
    .step(
      'late',
      async () => {
        request = futures.get('/step');
        return (await request).status;
      },
      { deadline: 50 },
    )
    .start();
  assert.ok(request !== undefined);
  const error = await failure(request);
  assert.ok(error instanceof TimeoutError && error.phase === 'deadline', String(error));
  assert.equal(held.done(), false);
  assert.equal(futures.executor.queued, 0);
  await running.steps.late.exception();

  release.resolve();
  await held;
  assert.deepEqual(paths, ['/hold']);
});

/*
 * A step's request still queued when the step's deadline passes: two timers for one moment, the
 * queue's (armed when the request is queued) and the step's. Whichever fires first, the request
 * is recorded as a running one cut by that deadline would be: a TimeoutError of phase `deadline`
 * (FANOUT_TIMEOUT), due at the step's very moment, not `cancelled`; the same for the flow's deadline. The step waits for a `gate`
 * step so that its request is queued after the clock is shifted (see shiftClock).
 */
const SCOPES = ['step', 'flow'] as const;
for (const order of ['request timer first', 'step timer first'] as const) {
  for (const scope of SCOPES) {
    test(`${order}: a step's request still queued at the ${scope}'s deadline is recorded a deadline timeout, unsent`, async (t) => {
      t.after(() => mock.timers.reset());
      const { futures, held, release, paths } = await heldSession(t);
      mock.timers.enable({ apis: ['setTimeout'] });
      const deadline = 10_000;
      const gate = deferred();
      const trace = new Trace({ name: 'request' });
      const errors = callErrors(t);
      const running = trace.run(() =>
        flow()
          .step('gate', () => gate.promise)
          .step('recs', ['gate'], () => futures.get('/step'), scope === 'step' ? { deadline } : {})
          .start(scope === 'flow' ? { deadline } : {}),
      );
      shiftClock(t, shiftFor(order));
      gate.resolve();
      await running.steps.gate;
      assert.equal(futures.executor.queued, 1);
      mock.timers.tick(order === 'request timer first' ? deadline - 500 : deadline);
      const error = await running.steps.recs.exception();
      assert.ok(error instanceof DeadlineError, String(error));
      assert.equal(error.scope, scope);
      assert.equal(futures.executor.queued, 0);
      assert.deepEqual(
        trace.requests.map((request) => [request.outcome, request.errorCode]),
        [['error', 'FANOUT_TIMEOUT']],
      );
      assertCutByDeadline(errors, error.dueAt);
      assert.equal(held.done(), false);

      release.resolve();
      await held;
      assert.deepEqual(paths, ['/hold'], 'the server never saw it');
    });
  }
}

test('once the worker is free it takes the next live request, not the expired one', async (t) => {
  const { futures, held, release, paths } = await heldSession(t);
  const expired = withDeadline(30, () => futures.get('/expired'));
  const live = futures.get('/live');
  assert.equal(futures.executor.queued, 2);
  await failure(expired);
  assert.equal(futures.executor.queued, 1);

  release.resolve();
  await held;
  assert.equal((await live).text, '/live');
  assert.deepEqual(paths, ['/hold', '/live']);
  assert.equal(futures.executor.queued, 0);
});

test('10,000 queued requests whose deadlines pass all leave the queue, with one timer for all', async (t) => {
  const { futures, held } = await heldSession(t);
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  const before = timers();
  const queued: Future<Response>[] = [];
  for (let i = 0; i < 10_000; i++) queued.push(futures.get(`/q${i}`, { deadline: 20 + (i % 40) }));
  assert.equal(futures.executor.queued, 10_000);
  assert.ok(timers() <= before + 1, `${timers() - before} timers for 10,000 queued requests`);

  const errors = await Promise.all(queued.map((future) => future.exception()));
  assert.ok(errors.every((error) => error instanceof TimeoutError && error.phase === 'deadline'));
  assert.equal(futures.executor.queued, 0);
  assert.equal(held.done(), false);
  assert.ok(timers() <= before, 'no timer left once nothing queued is due');
});
