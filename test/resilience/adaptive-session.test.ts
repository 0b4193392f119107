import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import {
  type AdaptiveLimit,
  type AdaptiveLimitOptions,
  adaptiveLimit,
  type Future,
  FuturesSession,
  InvalidOptionError,
  type LimitChange,
  type Response,
  Trace,
} from '../../src/index.ts';
import { type HoldingServer, holdingServer } from './holding-server.ts';

/** A clock the test moves by hand. */
function fakeClock(): { now: () => number; advance(ms: number): void } {
  let time = 0;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

function open(t: TestContext, options: AdaptiveLimitOptions) {
  const limit = adaptiveLimit(options);
  const futures = new FuturesSession({ maxWorkers: 64, maxPerOrigin: limit, retry: false });
  t.after(() => futures.close({ cancelPending: true }));
  const changes: LimitChange[] = [];
  limit.onChange((change) => changes.push(change));
  return { limit, futures, changes };
}

/** Answers the oldest held request of `server` and waits until the client has its response. */
async function answer(server: HoldingServer, calls: Future<Response>[], status = 200) {
  const index = server.arrivals - server.inFlight; // requests are answered in arrival order
  server.answer(status);
  await calls[index];
}

/** `count` GETs of `server`, in order. */
function fire(futures: FuturesSession, server: HoldingServer, count: number): Future<Response>[] {
  return Array.from({ length: count }, (_, i) => futures.get(`${server.origin}/${i}`));
}

describe('FuturesSession with an adaptive maxPerOrigin', () => {
  test('AIMD: the requests in flight at an origin follow its limit; other origins are unaffected', async (t) => {
    const one = await holdingServer(t, '127.0.0.1');
    const two = await holdingServer(t, '127.0.0.2');
    const clock = fakeClock();
    const { limit, futures, changes } = open(t, {
      algorithm: 'aimd',
      initial: 4,
      max: 8,
      latencyThreshold: 100,
      clock: clock.now,
    });
    const onOne = fire(futures, one, 16);
    const onTwo = fire(futures, two, 6);
    await Promise.all([one.arrived(4), two.arrived(4)]);
    assert.equal(one.inFlight, 4, 'origin one runs its initial limit');
    assert.equal(two.inFlight, 4, 'origin two runs its own');
    assert.equal(futures.executor.queued, 16 - 4 + 6 - 4);

    // A slow answer (150 ms > latencyThreshold) cuts origin one's limit to 3: no request starts.
    clock.advance(150);
    await answer(one, onOne);
    assert.deepEqual(changes, [{ origin: one.origin, from: 4, to: 3, reason: 'latency' }]);
    assert.equal(futures.executor.active, 3 + 4, 'origin one: 3 running; origin two: still 4');
    one.resetMax();

    // Two more answers of requests started before the cut: ignored (no second cut); each frees
    // a slot for a new request, so origin one keeps 3 in flight.
    await answer(one, onOne);
    await one.arrived(5);
    await answer(one, onOne);
    await one.arrived(6);
    assert.equal(limit.current(one.origin), 3);
    assert.equal(one.inFlight, 3);

    // Fast answers of requests started after the cut add 1/3 each to its 3.6 (4 × 0.9).
    await answer(one, onOne); // the last request started before the cut: ignored
    await one.arrived(7);
    await answer(one, onOne);
    await one.arrived(8);
    assert.equal(limit.current(one.origin), 3, '3.93');
    assert.equal(one.maxInFlight, 3, 'never more than 3 in flight while the limit was 3');
    await answer(one, onOne);
    assert.deepEqual(changes.at(-1), { origin: one.origin, from: 3, to: 4, reason: 'grow' });
    await one.arrived(10);
    assert.equal(one.inFlight, 4, 'the raised limit started two requests at once');

    // A 503 is a drop: the limit shrinks again.
    await answer(one, onOne, 503);
    assert.deepEqual(changes.at(-1), { origin: one.origin, from: 4, to: 3, reason: 'drop' });
    assert.equal(one.inFlight, 3);

    assert.equal(two.inFlight, 4);
    assert.equal(two.maxInFlight, 4, 'origin two never went past its own limit');
    assert.equal(limit.current(two.origin), 4);
    assert.ok(changes.every((change) => change.origin === one.origin));
    one.answerAll();
    two.answerAll();
    await Promise.all([...onOne, ...onTwo]);
  });

  test('gradient: a new origin is probed at half its initial limit, then runs at it', async (t) => {
    const server = await holdingServer(t);
    const clock = fakeClock();
    const { limit, futures, changes } = open(t, {
      algorithm: 'gradient',
      initial: 6,
      shortWindow: 3,
      clock: clock.now,
    });
    const trace = new Trace({ name: 'probe' });
    const calls = trace.run(() => fire(futures, server, 12));
    await server.arrived(3);
    assert.equal(server.inFlight, 3, 'probing at 3');
    for (let i = 1; i <= 2; i++) {
      clock.advance(10);
      await answer(server, calls);
      await server.arrived(3 + i);
      assert.equal(server.inFlight, 3, 'each answer of the probe lets one request start');
    }
    assert.equal(changes.length, 0);
    clock.advance(10);
    await answer(server, calls); // the third probe sample: the baseline is known
    assert.deepEqual(changes, [{ origin: server.origin, from: 3, to: 6, reason: 'probe' }]);
    assert.deepEqual(
      trace.limitChanges.map(({ time, ...change }) => change),
      changes,
      'the trace of the requests records the change',
    );
    await server.arrived(3 + 6);
    assert.equal(server.inFlight, 6);
    assert.equal(server.maxInFlight, 6);
    assert.equal((limit as AdaptiveLimit).current(server.origin), 6);
    server.answerAll();
    await Promise.all(calls);
  });

  test('a maxPerOrigin that is neither a number nor a limit → InvalidOptionError', () => {
    assert.throws(
      () => new FuturesSession({ maxPerOrigin: { algorithm: 'aimd' } as never }),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.message.startsWith(
          'Expected `perKey` to be a positive integer, Infinity or a ConcurrencyLimit, got',
        ),
    );
  });

  test('the session keeps as many sockets per origin as the limit may reach (max)', async (t) => {
    const server = await holdingServer(t);
    const limit = adaptiveLimit({ algorithm: 'aimd', initial: 2, max: 3 });
    const futures = new FuturesSession({ maxPerOrigin: limit });
    t.after(() => futures.close({ cancelPending: true }));
    const calls = fire(futures, server, 4);
    await server.arrived(2);
    assert.equal(server.inFlight, 2);
    server.answerAll();
    await Promise.all(calls);
    assert.ok(server.sockets.size <= 3, `at most max (3) sockets: ${server.sockets.size}`);
  });
});
