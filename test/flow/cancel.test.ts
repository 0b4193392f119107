import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError, DependencyError, FuturesSession, flow } from '../../src/index.ts';
import { flush } from '../futures/helpers.ts';
import { deferred, startServer } from '../helpers/server.ts';

const never = <T>() => new Promise<T>(() => {});

describe('flow cancellation', () => {
  test('cancel() aborts the request in flight (the server sees the socket close) and cancels every step left', {
    timeout: 10_000,
  }, async (t) => {
    const arrived = deferred();
    const closed = deferred();
    const server = await startServer(t, (request) => {
      request.socket.once('close', () => closed.resolve());
      arrived.resolve();
    });
    await using s = new FuturesSession({ baseURL: server.origin, retry: false });
    const running = flow({ name: 'home' })
      .step('done', () => 'done')
      .step('user', () => s.get('/me'))
      .step('orders', ['user'], ({ user }) => user.status, { fallback: -1 })
      .start();
    await arrived.promise;
    assert.equal(running.cancel(), true);
    await closed.promise;
    assert.equal(running.done(), true);
    assert.equal(running.steps.user.cancelled(), true);
    assert.equal(running.steps.orders.cancelled(), true, 'no fallback on cancel');
    await assert.rejects(running.steps.orders.result(), CancelledError);
    const error = await running.steps.user.exception().catch((e: unknown) => e);
    assert.ok(error instanceof CancelledError);
    assert.equal(error.message, 'The flow `home` was cancelled');
    assert.equal(await running.steps.done, 'done');
    assert.deepEqual(
      running.report().steps.map((step) => step.outcome),
      ['ok', 'cancelled', 'cancelled'],
    );
    assert.equal(running.cancel(), false, 'nothing left to cancel');
  });

  test('cancel() aborts the signal a step read', async () => {
    let signal: AbortSignal | undefined;
    const running = flow()
      .step('work', (_inputs, step) => {
        signal = step.signal;
        return never<number>();
      })
      .start();
    assert.equal(signal?.aborted, false);
    running.cancel();
    assert.equal(signal?.aborted, true);
    assert.ok(signal?.reason instanceof CancelledError);
  });

  test('aborting the start signal cancels the flow', async () => {
    const controller = new AbortController();
    const running = flow()
      .step('a', () => never<number>())
      .start({ signal: controller.signal });
    controller.abort(new Error('visitor left'));
    const error = await running.steps.a.exception().catch((e: unknown) => e);
    assert.ok(error instanceof CancelledError);
    assert.equal((error.cause as Error).message, 'visitor left');
    assert.equal(running.done(), true);
  });

  test('an already aborted signal runs no step', async () => {
    let ran = false;
    const running = flow()
      .step('a', () => {
        ran = true;
        return 1;
      })
      .start({ signal: AbortSignal.abort() });
    assert.equal(ran, false);
    assert.equal(running.steps.a.cancelled(), true);
    assert.equal(running.done(), true);
  });

  test("cancelling one step's future fails its dependents (fallbacks apply); other steps go on", async () => {
    let signal: AbortSignal | undefined;
    const running = flow()
      .step('recs', (_inputs, step) => {
        signal = step.signal;
        return never<string[]>();
      })
      .step('first', ['recs'], ({ recs }) => recs[0] ?? 'none')
      .step('safe', ['recs'], ({ recs }) => recs.length, { fallback: 0 })
      .step('other', async () => 'other')
      .start();
    assert.equal(running.steps.recs.cancel(), true);
    assert.equal(signal?.aborted, true);
    const first = await running.steps.first.exception();
    assert.ok(first instanceof DependencyError);
    assert.ok(first.rootCause instanceof CancelledError);
    assert.equal(await running.steps.safe, 0);
    assert.equal(await running.steps.other, 'other');
    await flush();
    assert.deepEqual(
      running.report().steps.map((step) => step.outcome),
      ['cancelled', 'failed', 'fallback', 'ok'],
    );
  });

  test('the start signal listener is removed once the flow is done', async () => {
    const controller = new AbortController();
    const running = flow()
      .step('a', () => 1)
      .start({ signal: controller.signal });
    await running.onDone();
    controller.abort();
    assert.equal(await running.steps.a, 1);
    assert.equal(running.steps.a.cancelled(), false);
  });

  test('a bad signal is an InvalidOptionError', () => {
    assert.throws(
      () => flow().start({ signal: 'stop' as unknown as AbortSignal }),
      /Expected `signal` to be an AbortSignal, got "stop" \(string\)/,
    );
  });
});
