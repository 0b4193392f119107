import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, type TestContext, test } from 'node:test';
import {
  asCompleted,
  CancelledError,
  ConnectionError,
  Executor,
  ExecutorShutdownError,
  FuturesSession,
  type FuturesSessionOptions,
  HTTPError,
  InvalidOptionError,
  InvalidRequestError,
  InvalidURLError,
  QueueFullError,
  Session,
  SessionClosedError,
} from '../../src/index.ts';
import { deferred, startServer, type TestServer } from '../helpers/server.ts';
import { captureWarnings, collectGarbageUntil, flush } from './helpers.ts';

/** A request a {@link HoldingServer} received. */
interface Arrival {
  readonly path: string;
  /** Resolves when the request's socket closes (e.g. the client aborted it). */
  readonly socketClosed: Promise<void>;
  /** Whether the server answered it. */
  answered: boolean;
}

/**
 * A loopback server that holds every request until the test releases it, counting the requests
 * and connections it has open at once. Deferreds order everything: no sleeps.
 */
interface HoldingServer extends TestServer {
  /** Requests in arrival order. */
  readonly arrivals: readonly Arrival[];
  /** The paths of {@link arrivals}. */
  readonly paths: readonly string[];
  /** Requests received and not yet answered or aborted. */
  readonly inFlight: number;
  /** The most requests ever in flight at once. */
  readonly maxInFlight: number;
  /** The most connections ever open at once. */
  readonly maxSockets: number;
  /** Resolves once `count` requests have arrived (at once if they have). */
  arrived(count: number): Promise<void>;
  /** Answers the held requests, and from now on every request as soon as it arrives. */
  releaseAll(): void;
}

async function holdingServer(t: TestContext, host = '127.0.0.1'): Promise<HoldingServer> {
  const arrivals: Arrival[] = [];
  const held: (() => void)[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let maxSockets = 0;
  let releasing = false;

  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    const socketClosed = deferred();
    request.socket.once('close', () => socketClosed.resolve());
    const arrival: Arrival = {
      path: request.url ?? '',
      socketClosed: socketClosed.promise,
      answered: false,
    };
    arrivals.push(arrival);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // Counted out exactly once: when answered, or when the connection goes away first.
    let counted = true;
    const leave = () => {
      if (counted) inFlight--;
      counted = false;
    };
    response.once('close', leave);
    for (const waiter of waiters.filter((w) => arrivals.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const gate = deferred();
    if (releasing) gate.resolve();
    else held.push(gate.resolve);
    await gate.promise;
    if (response.destroyed) return;
    leave();
    arrival.answered = true;
    response.setHeader('content-type', 'text/plain');
    response.end(arrival.path);
  };

  const server = await startServer(t, handler, host);
  server.server.on('connection', () => {
    maxSockets = Math.max(maxSockets, server.sockets.size);
  });
  return {
    ...server,
    arrivals,
    get paths() {
      return arrivals.map((arrival) => arrival.path);
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get maxSockets() {
      return maxSockets;
    },
    arrived(count) {
      if (arrivals.length >= count) return Promise.resolve();
      const waiter = deferred();
      waiters.push({ count, resolve: waiter.resolve });
      return waiter.promise;
    },
    releaseAll() {
      releasing = true;
      for (const release of held.splice(0)) release();
    },
  };
}

/** A FuturesSession closed (pending work cancelled) when the test ends. */
function openFutures(t: TestContext, options: FuturesSessionOptions = {}): FuturesSession {
  const session = new FuturesSession(options);
  t.after(() => session.close({ cancelPending: true }));
  return session;
}

/** An origin on 127.0.0.1 with nothing listening: connections to it are refused. */
async function refusingOrigin(t: TestContext): Promise<string> {
  const server = await startServer(t, () => {});
  await server.close();
  return server.origin;
}

describe('FuturesSession options', () => {
  test('maxWorkers defaults to 128, follows the option, and is ignored when an executor is given', async (t) => {
    const byDefault = openFutures(t);
    assert.equal(byDefault.executor.maxWorkers, 128);

    const given = openFutures(t, { maxWorkers: 5 });
    assert.equal(given.executor.maxWorkers, 5);

    const executor = new Executor({ maxWorkers: 2 });
    t.after(() => executor.shutdown());
    const shared = new FuturesSession({ executor, maxWorkers: 50 });
    assert.equal(shared.executor, executor);
    assert.equal(shared.executor.maxWorkers, 2);
    await shared.close();
    assert.equal(executor.isShutdown, false, 'an executor passed in is left running');
    assert.equal(shared.session.isClosed, true, 'its own session is closed');
  });

  test('a wrapped session is used as is and left open by close()', async (t) => {
    const server = await startServer(t, (request, response) => {
      response.end(String(request.headers['x-app']));
    });
    const session = new Session({ baseURL: server.origin, headers: { 'x-app': 'shop' } });
    t.after(() => session.close());
    const futures = new FuturesSession({ session, maxWorkers: 4, maxPerOrigin: 2 });
    assert.equal(futures.session, session);
    assert.equal(futures.cookies, session.cookies);
    assert.equal((await futures.get('/')).text, 'shop');
    await futures.close();
    assert.equal(futures.executor.isShutdown, true, 'its own executor is shut down');
    assert.equal(session.isClosed, false);
    assert.equal((await session.get('/')).text, 'shop');
  });

  test('wrapping a session plus session options throws InvalidOptionError naming them', () => {
    const session = new Session();
    assert.throws(
      () => new FuturesSession({ session, headers: { 'x-app': 'shop' }, timeout: 5_000 }),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.message ===
          'Session option "headers" cannot be combined with `session`: the wrapped session\'s own defaults apply. Set it on that session instead.',
    );
    // Left undefined, a session option sets nothing: a spread of a full options object passes.
    new FuturesSession({
      session,
      headers: undefined,
      timeout: undefined,
    } as unknown as FuturesSessionOptions);
    assert.throws(() => new FuturesSession({ session, connections: 4 }), /connections/);
    // The executor's own options are not session options.
    const wrapped = new FuturesSession({ session, maxWorkers: 2, maxPerOrigin: 1, maxQueued: 3 });
    assert.equal(wrapped.executor.maxWorkers, 2);
  });
  test('a session or executor of the wrong kind is refused at construction', () => {
    // e.g. session options passed where requests-futures takes a session
    assert.throws(
      () => new FuturesSession({ session: { headers: { foo: 'bar' } } as never }),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        /^Expected `session` to be a Session, got \[object Object\] \(object\)$/.test(
          error.message,
        ),
    );
    assert.throws(
      () => new FuturesSession({ executor: { maxWorkers: 4 } as never }),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        /^Expected `executor` to be an Executor/.test(error.message),
    );
  });

  test('maxQueued bounds the queue: beyond it a verb returns a failed future (QueueFullError)', async (t) => {
    const server = await holdingServer(t);
    const futures = openFutures(t, { baseURL: server.origin, maxWorkers: 1, maxQueued: 1 });
    const running = futures.get('/running');
    const queued = futures.get('/queued');
    const refused = futures.get('/refused');
    assert.equal(refused.done(), true);
    assert.ok((await refused.exception()) instanceof QueueFullError);
    assert.equal(futures.executor.queued, 1);
    server.releaseAll();
    assert.deepEqual(
      (await Promise.all([running, queued])).map((response) => response.text),
      ['/running', '/queued'],
    );
    assert.deepEqual(server.paths, ['/running', '/queued']);
  });
});

describe('FuturesSession concurrency limits', () => {
  test('never more than maxWorkers requests or connections in flight, and reaching it', async (t) => {
    const server = await holdingServer(t);
    const futures = openFutures(t, { baseURL: server.origin, maxWorkers: 3 });
    const calls = Array.from({ length: 10 }, (_, i) => futures.get(`/${i}`));

    await server.arrived(3);
    assert.equal(server.inFlight, 3);
    assert.equal(futures.executor.active, 3);
    assert.equal(futures.executor.queued, 7);
    assert.deepEqual(
      calls.map((call) => call.running()),
      [true, true, true, false, false, false, false, false, false, false],
    );

    server.releaseAll();
    const responses = await Promise.all(calls);
    assert.deepEqual(
      responses.map((response) => response.text),
      calls.map((_, i) => `/${i}`),
    );
    assert.equal(server.maxInFlight, 3);
    assert.equal(server.maxSockets, 3);
  });

  test("the session's pool follows maxWorkers: at most that many connections per origin", async (t) => {
    const server = await holdingServer(t);
    const futures = openFutures(t, { baseURL: server.origin, maxWorkers: 3 });
    // Straight on the session, past the executor: only the pool size bounds these.
    const calls = Array.from({ length: 8 }, (_, i) => futures.session.get(`/${i}`));

    await server.arrived(3);
    server.releaseAll();
    await Promise.all(calls);
    assert.equal(server.maxSockets, 3);
    assert.equal(server.maxInFlight, 3);
  });

  test('never more than maxPerOrigin per origin; a saturated origin never holds back another', async (t) => {
    const one = await holdingServer(t, '127.0.0.1');
    const two = await holdingServer(t, '127.0.0.2');
    const futures = openFutures(t, { maxWorkers: 3, maxPerOrigin: 2 });
    const calls = [
      ...Array.from({ length: 5 }, (_, i) => futures.get(`${one.origin}/${i}`)),
      ...Array.from({ length: 5 }, (_, i) => futures.get(`${two.origin}/${i}`)),
    ];

    await Promise.all([one.arrived(2), two.arrived(1)]);
    assert.equal(one.inFlight, 2, 'origin one is at maxPerOrigin');
    assert.equal(two.inFlight, 1, 'origin two gets the third worker');
    assert.equal(futures.executor.active, 3);
    assert.equal(futures.executor.queued, 7);

    // Release origin one only: its queued requests take its freed slots, origin two stays at 1.
    one.releaseAll();
    await one.arrived(5);
    await Promise.all(calls.slice(0, 5));
    await two.arrived(2);
    assert.equal(two.inFlight, 2, 'origin two reaches maxPerOrigin once workers free up');

    two.releaseAll();
    await Promise.all(calls);
    assert.equal(one.maxInFlight, 2);
    assert.equal(two.maxInFlight, 2);
    assert.ok(one.maxSockets <= 2 && two.maxSockets <= 2, 'the pool keeps maxPerOrigin per origin');
  });
});

describe('FuturesSession cancellation, priority and signal', () => {
  test('a queued future cancelled never reaches the server', async (t) => {
    const server = await holdingServer(t);
    const futures = openFutures(t, { baseURL: server.origin, maxWorkers: 1 });
    const running = futures.get('/running');
    const queued = futures.get('/queued');
    await server.arrived(1);
    assert.equal(queued.running(), false);

    assert.equal(queued.cancel(), true);
    assert.equal(queued.cancelled(), true);
    assert.equal(futures.executor.queued, 0);
    await assert.rejects(queued.result(), CancelledError);

    server.releaseAll();
    assert.equal((await running).status, 200);
    // Sent after the cancelled one would have been: if it had been sent, it would come first.
    assert.equal((await futures.get('/after')).status, 200);
    assert.deepEqual(server.paths, ['/running', '/after']);
  });

  test('a running future cancelled aborts its request: the server sees the connection close', async (t) => {
    const server = await holdingServer(t);
    const futures = openFutures(t, { baseURL: server.origin });
    const future = futures.get('/slow');
    await server.arrived(1);
    assert.equal(future.running(), true);

    assert.equal(future.cancel(), true);
    assert.equal(future.cancelled(), true);
    await server.arrivals[0]?.socketClosed;
    assert.equal(server.arrivals[0]?.answered, false);
    assert.equal(server.inFlight, 0);
    await assert.rejects(future.result(), CancelledError);
    await futures.executor.onIdle();
    assert.equal(futures.executor.active, 0);
  });

  test('a higher priority runs first among queued requests; equal ones in order', async (t) => {
    const server = await holdingServer(t);
    const futures = openFutures(t, { baseURL: server.origin, maxWorkers: 1 });
    const calls = [
      futures.get('/block'),
      futures.get('/low', { priority: -1 }),
      futures.get('/mid'),
      futures.post('/high', { priority: 5, body: 'x' }),
      futures.get('/mid2', { priority: 0 }),
    ];
    await server.arrived(1);
    server.releaseAll();
    await Promise.all(calls);
    assert.deepEqual(server.paths, ['/block', '/high', '/mid', '/mid2', '/low']);
  });

  test('an AbortSignal cancels a queued request (never sent) and a running one (aborted)', async (t) => {
    const server = await holdingServer(t);
    const futures = openFutures(t, { baseURL: server.origin, maxWorkers: 1 });
    const forRunning = new AbortController();
    const forQueued = new AbortController();
    const running = futures.get('/running', { signal: forRunning.signal });
    const queued = futures.get('/queued', { signal: forQueued.signal });
    await server.arrived(1);

    forQueued.abort();
    assert.equal(queued.cancelled(), true);
    assert.equal(futures.executor.queued, 0);
    await assert.rejects(queued.result(), CancelledError);

    forRunning.abort();
    assert.equal(running.cancelled(), true);
    await server.arrivals[0]?.socketClosed;
    assert.equal(server.arrivals[0]?.answered, false);
    await assert.rejects(running.result(), CancelledError);

    const already = futures.get('/never', { signal: AbortSignal.abort() });
    assert.equal(already.cancelled(), true);

    server.releaseAll();
    assert.equal((await futures.get('/after')).status, 200);
    assert.deepEqual(server.paths, ['/running', '/after']);
  });
});

describe('FuturesSession bad input', () => {
  test('bad input gives an already-failed future that is never queued', async (t) => {
    const server = await holdingServer(t);
    // No baseURL; the only worker is busy, so anything submitted would have to queue.
    const futures = openFutures(t, { maxWorkers: 1 });
    const busy = futures.get(`${server.origin}/busy`);
    await server.arrived(1);

    const cases = [
      { future: futures.get('/relative/without/baseURL'), type: InvalidURLError },
      {
        future: futures.get(`${server.origin}/x`, { headers: { 'x-bad': 'a\r\nInjected: 1' } }),
        type: InvalidRequestError,
      },
      {
        future: futures.post(`${server.origin}/x`, { json: {}, body: 'x' }),
        type: InvalidRequestError,
      },
      { future: futures.request('BAD METHOD', `${server.origin}/x`), type: InvalidRequestError },
      {
        future: futures.get(`${server.origin}/x`, { priority: Number.NaN }),
        type: InvalidOptionError,
      },
      {
        future: futures.get(`${server.origin}/x`, { signal: 'stop' as never }),
        type: InvalidOptionError,
      },
      { future: futures.get(`${server.origin}/x`, { timeout: -1 }), type: InvalidOptionError },
    ];
    for (const { future, type } of cases) {
      assert.equal(future.done(), true, 'failed at once');
      assert.equal(future.cancelled(), false);
      assert.ok((await future.exception()) instanceof type);
    }
    assert.equal(futures.executor.queued, 0);
    assert.equal(futures.executor.active, 1);

    server.releaseAll();
    await busy;
    assert.deepEqual(server.paths, ['/busy']);
  });
});

describe('FuturesSession close', () => {
  test('close({ cancelPending: true }) cancels queued requests and waits for running ones', async (t) => {
    const server = await holdingServer(t);
    const futures = new FuturesSession({ baseURL: server.origin, maxWorkers: 1 });
    const running = futures.get('/running');
    const queued = [futures.get('/a'), futures.get('/b')];
    await server.arrived(1);

    let closed = false;
    const closing = futures.close({ cancelPending: true }).then(() => {
      closed = true;
    });
    assert.deepEqual(
      queued.map((future) => future.cancelled()),
      [true, true],
    );
    await flush();
    assert.equal(closed, false, 'close() waits for the running request');
    assert.equal(futures.session.isClosed, false);

    server.releaseAll();
    await closing;
    assert.equal((await running).status, 200);
    assert.equal(futures.session.isClosed, true);
    assert.deepEqual(server.paths, ['/running']);
  });

  test('close() waits for running and queued requests, then closes the session', async (t) => {
    const server = await holdingServer(t);
    const futures = new FuturesSession({ baseURL: server.origin, maxWorkers: 1 });
    const calls = [futures.get('/running'), futures.get('/queued')];
    await server.arrived(1);

    let closed = false;
    const closing = futures.close().then(() => {
      closed = true;
    });
    await flush();
    assert.equal(closed, false);
    const duringClose = futures.get('/late');
    assert.equal(duringClose.done(), true);
    assert.ok((await duringClose.exception()) instanceof ExecutorShutdownError);

    server.releaseAll();
    await closing;
    assert.deepEqual(
      (await Promise.all(calls)).map((response) => response.status),
      [200, 200],
    );
    assert.equal(futures.session.isClosed, true);
    const afterClose = futures.get('/later');
    assert.equal(afterClose.done(), true);
    assert.ok((await afterClose.exception()) instanceof SessionClosedError);
    assert.deepEqual(server.paths, ['/running', '/queued']);
  });

  test('a call after close() fails with SessionClosedError naming the request, credentials hidden', async () => {
    const futures = new FuturesSession();
    await futures.close();
    const error = await futures.get('http://ada:s3cret@127.0.0.1:1/orders').exception();
    assert.ok(error instanceof SessionClosedError);
    assert.match(error.message, /GET .*127\.0\.0\.1:1\/orders/);
    assert.doesNotMatch(error.message, /s3cret/);
  });

  test('leaving an `await using` block closes the session', async (t) => {
    const server = await holdingServer(t);
    server.releaseAll();
    let escaped: FuturesSession;
    {
      await using futures = new FuturesSession({ baseURL: server.origin });
      escaped = futures;
      assert.equal((await futures.get('/inside')).status, 200);
    }
    assert.equal(escaped.session.isClosed, true);
    assert.equal(escaped.executor.isShutdown, true);
    const later = escaped.get('/later');
    assert.equal(later.done(), true);
    await assert.rejects(later.result(), SessionClosedError);
    assert.deepEqual(server.paths, ['/inside']);
  });
});

describe('FuturesSession errors', () => {
  test('errors name the request when result() throws inside an asCompleted loop', async (t) => {
    const refused = await refusingOrigin(t);
    const server = await startServer(t, (request, response) => {
      if (request.url === '/reset') response.socket?.destroy();
      else {
        response.statusCode = 404;
        response.end();
      }
    });
    const futures = openFutures(t, { retry: false });
    const calls = [
      futures.get(`${refused}/refused`),
      futures.delete(`${server.origin}/reset`),
      futures.get(`${server.origin}/missing`).map((response) => response.raiseForStatus()),
    ];

    const messages: string[] = [];
    const types: string[] = [];
    for await (const future of asCompleted(calls)) {
      try {
        await future.result();
        assert.fail('expected a failure');
      } catch (error) {
        assert.ok(error instanceof Error);
        messages.push(error.message);
        types.push(error.name);
      }
    }
    assert.equal(messages.length, 3);
    const named = (pattern: RegExp) => messages.find((message) => pattern.test(message));
    assert.ok(named(/: GET http:\/\/127\.0\.0\.1:\d+\/refused$/), messages.join('\n'));
    assert.ok(named(/: DELETE http:\/\/127\.0\.0\.1:\d+\/reset$/), messages.join('\n'));
    assert.ok(
      named(/^HTTP 404 Not Found: GET http:\/\/127\.0\.0\.1:\d+\/missing$/),
      messages.join('\n'),
    );
    assert.deepEqual(types.sort(), ['ConnectionError', 'ConnectionError', 'HTTPError']);
    assert.ok((await calls[2]?.exception()) instanceof HTTPError);
    assert.ok((await calls[0]?.exception()) instanceof ConnectionError);
  });

  test('1,000 failing futures never awaited: no unhandledRejection, FANOUT_UNRETRIEVED after GC', async (t) => {
    const refused = await refusingOrigin(t);
    const { warnings, restore } = captureWarnings();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const futures = new FuturesSession({ baseURL: refused, retry: false });
      fireAndForget(futures, 1000);
      await futures.executor.onIdle();
      await futures.close();
      const unretrieved = () => warnings.filter((warning) => warning.code === 'FANOUT_UNRETRIEVED');
      await collectGarbageUntil(() => unretrieved().length >= 1000, 200);
      assert.deepEqual(unhandled, []);
      assert.equal(unretrieved().length, 1000);
      assert.match(
        unretrieved()[0]?.message ?? '',
        /never retrieved: ConnectionError: Connection failed \(ECONNREFUSED\): GET http:\/\/127\.0\.0\.1:\d+\/\d+$/,
      );
      assert.equal(new Set(unretrieved().map((warning) => warning.message)).size, 1000);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      restore();
    }
  });
});

/** Fires `count` requests and drops their futures (kept out of the caller's frame for the GC). */
function fireAndForget(futures: FuturesSession, count: number): void {
  for (let i = 0; i < count; i++) futures.get(`/${i}`);
}
