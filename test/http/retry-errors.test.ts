/**
 * A call that was retried ends saying so: its error's message ends with how many attempts over
 * how long, and the error carries `attempts`, `duration` and the failures retried; a response
 * after retries carries them in `retries`, and its `raiseForStatus()` tells them. Each test runs
 * on a fake clock (timers and `performance.now()`), moved once the library has armed the timer
 * under test, with the backoff's jitter fixed: durations are exact and nothing sleeps.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { type TestContext, test } from 'node:test';
import { inspect } from 'node:util';
import {
  ConnectionError,
  DependencyError,
  FuturesSession,
  flow,
  HTTPError,
  isFanoutError,
  RetryBudget,
  TimeoutError,
} from '../../src/index.ts';
import { type FakeTimers, fakeTimers } from '../helpers/fake-timers.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

const HANGS = { timeout: 10_000 };
const TOKEN = 'tok-5ecret-value';
const PATH = `/fail?token=${TOKEN}`;
const SHOWN_PATH = '/fail?token=REDACTED';

/**
 * A fake clock for timers and `performance.now()`, with `Math.random` fixed at 0.3: a backoff of
 * `baseDelay` 100 waits 30 ms, then 60 ms (full jitter: 0.3 × 100·2ⁿ).
 */
function fakeClock(t: TestContext): FakeTimers {
  const clock = fakeTimers(t);
  const origin = performance.now();
  t.mock.method(performance, 'now', () => origin + clock.now);
  t.mock.method(Math, 'random', () => 0.3);
  return clock;
}

/**
 * Fires timers of `delays` ms in turn, each once the library has armed it. Call it before the
 * request starts: it is waiting for the first timer when it returns.
 */
async function drive(clock: FakeTimers, delays: readonly number[]): Promise<void> {
  let next = clock.armed(delays[0] as number);
  for (let index = 0; index < delays.length; index++) {
    await next;
    if (index + 1 < delays.length) next = clock.armed(delays[index + 1] as number);
    clock.tick(delays[index] as number);
  }
}

/** The rejection of `promise`, which must be an instance of `Class`. */
async function failure<E extends Error>(
  promise: Promise<unknown>,
  Class: abstract new (...args: never[]) => E,
): Promise<E> {
  const error = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof Class, `expected a ${Class.name}, got ${String(error)}`);
  return error;
}

/** No output of `error` shows the secret: message, String, stack, inspect, its failures. */
function assertRedacted(error: Error & { retriedErrors?: readonly Error[] }): void {
  const outputs = [error.message, String(error), String(error.stack), inspect(error, { depth: 8 })];
  for (const earlier of error.retriedErrors ?? []) {
    outputs.push(earlier.message, String(earlier.stack), inspect(earlier, { depth: 8 }));
  }
  for (const output of outputs) {
    assert.doesNotMatch(output, /5ecret/);
  }
}

test('503, 503, 503: the response says 3 attempts; raiseForStatus tells them', HANGS, async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(503).end();
  });
  const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 100 } });
  const clock = fakeClock(t);
  const driving = drive(clock, [30, 60]);
  const response = await session.get(PATH);
  await driving;
  const url = `${server.origin}${SHOWN_PATH}`;
  assert.equal(response.status, 503);
  assert.equal(response.retries?.attempts, 3);
  assert.equal(response.retries?.duration, 90);
  assert.equal(response.retries?.stoppedBy, undefined);
  assert.deepEqual(
    response.retries?.errors.map((error) => error.message),
    [`HTTP 503 Service Unavailable: GET ${url}`, `HTTP 503 Service Unavailable: GET ${url}`],
  );
  assert.ok(response.retries?.errors.every((error) => error instanceof HTTPError));
  assert.match(inspect(response), /attempts: 3/);

  const error = (() => {
    try {
      response.raiseForStatus();
    } catch (raised) {
      return raised;
    }
    return assert.fail('raiseForStatus() did not throw');
  })();
  assert.ok(error instanceof HTTPError);
  assert.equal(error.message, `HTTP 503 Service Unavailable: GET ${url} (3 attempts in 90 ms)`);
  assert.equal(error.attempts, 3);
  assert.equal(error.duration, 90);
  assert.equal(error.retriedErrors, response.retries?.errors);
  assert.equal(error.response, response);
  assert.match(String(error.stack), /^HTTPError: HTTP 503 .* \(3 attempts in 90 ms\)\n/);
  assert.match(inspect(error), /attempts: 3,\n\s+duration: 90,\n\s+retriedErrors: \[/);
  assertRedacted(error);
});

test(
  'reset, reset, reset: a ConnectionError of 3 attempts, each failure kept',
  HANGS,
  async (t) => {
    let hits = 0;
    const server = await startServer(t, (request) => {
      hits++;
      request.socket.destroy();
    });
    const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 100 } });
    const clock = fakeClock(t);
    const driving = drive(clock, [30, 60]);
    const error = await failure(session.get(PATH), ConnectionError);
    await driving;
    assert.equal(hits, 3);
    const url = `${server.origin}${SHOWN_PATH}`;
    assert.match(error.message, /^Connection failed \(\w+\): GET /);
    assert.ok(error.message.endsWith(`: GET ${url} (3 attempts in 90 ms)`), error.message);
    assert.equal(error.code, 'FANOUT_CONNECTION');
    assert.ok(isFanoutError(error));
    assert.deepEqual(error.request, { method: 'GET', url });
    assert.equal(error.attempts, 3);
    assert.equal(error.duration, 90);
    assert.equal(error.retryStoppedBy, undefined);
    assert.equal(Object.hasOwn(error, 'retryStoppedBy'), false);
    // The earlier failures, oldest first, as they were: each its own error, with its own cause.
    const earlier = error.retriedErrors ?? [];
    assert.equal(earlier.length, 2);
    for (const each of earlier) {
      assert.ok(each instanceof ConnectionError);
      assert.equal(each.message, error.message.replace(' (3 attempts in 90 ms)', ''));
      assert.equal(each.attempts, undefined);
      assert.ok(each.cause instanceof Error && !isFanoutError(each.cause), 'undici error as cause');
      assert.notEqual(each, error);
    }
    assert.notEqual(earlier[0], earlier[1]);
    // The last attempt's own cause (undici's error) stays the cause; the stack keeps its frames.
    assert.ok(error.cause instanceof Error && !isFanoutError(error.cause));
    assert.match(
      String(error.stack),
      /^ConnectionError: Connection failed .*\(3 attempts in 90 ms\)\n\s+at /,
    );
    const shown = inspect(error, { depth: 4 });
    assert.match(shown, /^ConnectionError: Connection failed .*\(3 attempts in 90 ms\)\n/);
    assert.match(shown, /code: 'FANOUT_CONNECTION'/);
    assert.match(shown, /attempts: 3/);
    assert.match(shown, /retriedErrors: \[\n\s+ConnectionError: Connection failed/);
    assert.match(shown, /\[cause\]: /);
    assertRedacted(error);
  },
);

test('slow headers thrice: a TimeoutError naming phase, limit and attempts', HANGS, async (t) => {
  const server = await startServer(t, () => {});
  const session = openSession(t, {
    baseURL: server.origin,
    timeout: { headers: 100 },
    retry: { baseDelay: 100 },
  });
  const clock = fakeClock(t);
  // headers timeout, backoff, headers timeout, backoff, headers timeout
  const driving = drive(clock, [100, 30, 100, 60, 100]);
  const error = await failure(session.get(PATH), TimeoutError);
  await driving;
  const url = `${server.origin}${SHOWN_PATH}`;
  assert.equal(
    error.message,
    `Timed out after 100 ms (phase: headers, limit: timeout.headers): GET ${url} (3 attempts in 390 ms)`,
  );
  assert.equal(error.phase, 'headers');
  assert.equal(error.timeout, 100);
  assert.equal(error.attempts, 3);
  assert.equal(error.duration, 390);
  assert.deepEqual(
    error.retriedErrors?.map((each) => each.message),
    Array(2).fill(`Timed out after 100 ms (phase: headers, limit: timeout.headers): GET ${url}`),
  );
  assertRedacted(error);
});

test(
  'a backoff that would pass timeout.total stops the retries, and the error says so',
  HANGS,
  async (t) => {
    const server = await startServer(t, (request) => {
      request.socket.destroy();
    });
    // The first backoff (30 ms) fits in 100 ms; the second (60 ms) would end past it.
    const session = openSession(t, {
      baseURL: server.origin,
      timeout: { total: 89 },
      retry: { baseDelay: 100, limit: 5 },
    });
    const clock = fakeClock(t);
    const driving = drive(clock, [30]);
    const error = await failure(session.get(PATH), ConnectionError);
    await driving;
    assert.ok(
      error.message.endsWith(
        `${SHOWN_PATH} (2 attempts in 30 ms; no time left to retry within timeout.total)`,
      ),
      error.message,
    );
    assert.equal(error.attempts, 2);
    assert.equal(error.retryStoppedBy, 'timeout.total');
    assert.equal(error.retriedErrors?.length, 1);
    assertRedacted(error);
  },
);

test(
  'a backoff that would pass the deadline stops the retries: stopped by deadline',
  HANGS,
  async (t) => {
    const server = await startServer(t, (request) => {
      request.socket.destroy();
    });
    const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 100 } });
    const clock = fakeClock(t);
    const driving = drive(clock, [30]);
    const error = await failure(session.get(PATH, { deadline: 89 }), ConnectionError);
    await driving;
    assert.ok(
      error.message.endsWith('(2 attempts in 30 ms; no time left to retry within the deadline)'),
      error.message,
    );
    assert.equal(error.retryStoppedBy, 'deadline');
  },
);

test(
  'timeout.total passing during a retry: its TimeoutError tells the attempts',
  HANGS,
  async (t) => {
    let hits = 0;
    const second = deferred();
    const server = await startServer(t, () => {
      if (++hits === 2) second.resolve();
    });
    const session = openSession(t, {
      baseURL: server.origin,
      timeout: { headers: 100, total: 150 },
      retry: { baseDelay: 100 },
    });
    const clock = fakeClock(t);
    // the first headers timeout, the backoff, then the total deadline mid-attempt (20 ms later)
    const driving = drive(clock, [100, 30]);
    const call = session.get(PATH);
    await driving;
    await second.promise; // the second attempt is on the wire
    clock.tick(20);
    const error = await failure(call, TimeoutError);
    assert.equal(error.phase, 'total');
    assert.equal(
      error.message,
      `Timed out after 150 ms (phase: total, limit: timeout.total): GET ${server.origin}${SHOWN_PATH} (2 attempts in 150 ms)`,
    );
    assert.equal(error.attempts, 2);
    assert.equal(error.retriedErrors?.length, 1);
    const [first] = error.retriedErrors ?? [];
    assert.ok(first instanceof TimeoutError);
    assert.equal(first.phase, 'headers');
    assertRedacted(error);
  },
);

test('a retry a policy vetoes: the response and its HTTPError say why it stopped', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(503).end();
  });
  const session = openSession(t, {
    baseURL: server.origin,
    policies: [new RetryBudget({ ratio: 0, minPerSecond: 0 })],
  });
  const response = await session.get(PATH);
  assert.equal(response.retries?.attempts, 1);
  assert.equal(response.retries?.stoppedBy, 'policy');
  assert.deepEqual(response.retries?.errors, []);
  const error = await failure(
    Promise.resolve().then(() => response.raiseForStatus()),
    HTTPError,
  );
  assert.match(error.message, /\(1 attempt in \d+ ms; a retry was vetoed by a policy\)$/);
  assert.equal(error.retryStoppedBy, 'policy');
  assertRedacted(error);
});

test('a single attempt keeps its message, and no attempts fields', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url?.startsWith('/reset')) request.socket.destroy();
    else response.writeHead(503).end();
  });
  const session = openSession(t, { baseURL: server.origin, retry: false });
  const response = await session.get(PATH);
  assert.equal(response.retries, undefined);
  const error = await failure(
    Promise.resolve().then(() => response.raiseForStatus()),
    HTTPError,
  );
  assert.equal(error.message, `HTTP 503 Service Unavailable: GET ${server.origin}${SHOWN_PATH}`);
  const reset = await failure(session.get('/reset'), ConnectionError);
  assert.match(reset.message, /^Connection failed \(\w+\): GET http:\/\/127\.0\.0\.1:\d+\/reset$/);
  for (const each of [error, reset]) {
    for (const field of ['attempts', 'duration', 'retriedErrors', 'retryStoppedBy']) {
      assert.equal(Object.hasOwn(each, field), false, field);
    }
    assert.doesNotMatch(inspect(each), /attempts: |retriedErrors/);
  }
});

test('a FuturesSession future fails with the same account of its attempts', HANGS, async (t) => {
  const server = await startServer(t, (request) => {
    request.socket.destroy();
  });
  const futures = new FuturesSession({ baseURL: server.origin, retry: { baseDelay: 100 } });
  t.after(() => futures.close());
  const clock = fakeClock(t);
  const driving = drive(clock, [30, 60]);
  const error = await failure(futures.get(PATH).result(), ConnectionError);
  await driving;
  assert.ok(error.message.endsWith(`${SHOWN_PATH} (3 attempts in 90 ms)`), error.message);
  assert.equal(error.retriedErrors?.length, 2);
  assertRedacted(error);
});

test(
  'a flow step raising for a retried 503 tells the attempts, and so do its dependents',
  HANGS,
  async (t) => {
    const server = await startServer(t, (_request, response) => {
      response.writeHead(503).end();
    });
    const futures = new FuturesSession({ baseURL: server.origin, retry: { baseDelay: 100 } });
    t.after(() => futures.close());
    const clock = fakeClock(t);
    const driving = drive(clock, [30, 60]);
    const running = flow({ name: 'home' })
      .step('user', () => futures.get(PATH))
      .step('orders', ['user'], () => 1)
      .start();
    const error = await running.steps.user.exception();
    await driving;
    assert.ok(error instanceof HTTPError);
    const told = `HTTP 503 Service Unavailable: GET ${server.origin}${SHOWN_PATH} (3 attempts in 90 ms)`;
    assert.equal(error.message, told);
    assert.equal(error.attempts, 3);
    const dependent = await running.steps.orders.exception();
    assert.ok(dependent instanceof DependencyError);
    assert.equal(dependent.message, `orders ← user: ${told}`);
    await running.onDone();
  },
);
