import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type TestContext, test } from 'node:test';
import {
  type Future,
  FuturesSession,
  type FuturesSessionOptions,
  type RequestRecord,
  type Response,
  Trace,
  wait,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

/** A FuturesSession closed when `t` ends. */
function openFutures(t: TestContext, options: FuturesSessionOptions = {}): FuturesSession {
  const session = new FuturesSession(options);
  t.after(() => session.close());
  return session;
}

/** Milliseconds since the trace began, on the trace's own clock: a mark to order events by. */
function mark(trace: Trace): number {
  return performance.now() - trace.origin;
}

/** One event-loop turn: undici hands a kept-alive socket out again only after it. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The one record of `trace` whose URL path is `path`. */
function recordOf(trace: Trace, path: string): RequestRecord {
  const found = trace.requests.filter((record) => new URL(record.url).pathname === path);
  assert.equal(found.length, 1, `one record for ${path}, got ${found.length}`);
  return found[0] as RequestRecord;
}

/** A handler answering `path` → `text`, after `gates[path]` (if any) is released. */
function gated(gates: Record<string, Promise<unknown>>) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    await gates[path];
    response.end(path);
  };
}

test('two concurrent trace.run scopes never mix their requests', async (t) => {
  // Both scopes have a request in flight at once: each server response waits for both to arrive.
  const arrived = { one: deferred(), two: deferred() };
  const both = Promise.all([arrived.one.promise, arrived.two.promise]);
  const server = await startServer(t, async (request, response) => {
    request.resume();
    if (request.url?.includes('first')) {
      (request.url.startsWith('/one') ? arrived.one : arrived.two).resolve();
      await both;
    }
    response.end('ok');
  });
  const futures = openFutures(t, { baseURL: server.origin });
  const session = openSession(t, { baseURL: server.origin });
  const one = new Trace({ name: 'one' });
  const two = new Trace({ name: 'two' });
  const page = async (name: string) => {
    const first = futures.get(`/${name}/first`);
    await session.get(`/${name}/second`);
    await first;
    await futures.get(`/${name}/third`);
  };
  await Promise.all([one.run(() => page('one')), two.run(() => page('two'))]);
  for (const [trace, name] of [
    [one, 'one'],
    [two, 'two'],
  ] as const) {
    assert.deepEqual(
      trace.requests.map((record) => new URL(record.url).pathname),
      [`/${name}/first`, `/${name}/second`, `/${name}/third`],
    );
  }
});

test('requests made outside any trace are recorded nowhere', async (t) => {
  const server = await startServer(t, (request, response) => {
    request.resume();
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin });
  const futures = openFutures(t, { baseURL: server.origin });
  const trace = new Trace();
  await trace.run(() => session.get('/inside'));
  await session.get('/outside');
  await futures.get('/outside-future');
  // A future made in a trace and awaited outside it still belongs to the trace that made it.
  const made = trace.run(() => futures.get('/made-inside'));
  await made;
  assert.deepEqual(
    trace.requests.map((record) => new URL(record.url).pathname),
    ['/inside', '/made-inside'],
  );
});

test('a Session call is recorded: queued, started, one attempt, resolved, asked at once', async (t) => {
  const server = await startServer(t, (request, response) => {
    request.resume();
    response.setHeader('content-type', 'text/plain');
    response.end('hello');
  });
  const session = openSession(t, { baseURL: server.origin });
  const trace = new Trace();
  const before = mark(trace);
  const response = await trace.run(() => session.get('/hello'));
  const after = mark(trace);
  assert.equal(response.status, 200);
  const [record] = trace.requests;
  assert.ok(record);
  assert.equal(record.method, 'GET');
  assert.equal(record.url, `${server.origin}/hello`);
  assert.equal(record.outcome, 'ok');
  assert.equal(record.status, 200);
  assert.equal(record.bytes, 5);
  const started = record.startedAt as number;
  const resolved = record.resolvedAt as number;
  assert.ok(before <= record.queuedAt && record.queuedAt <= started && started <= resolved);
  assert.ok(resolved <= after);
  // The caller of a Session awaits it from the start: blocked for the whole call.
  const asked = record.askedAt as number;
  assert.equal(asked, record.queuedAt, 'made and asked for in one step: one moment');
  assert.ok(asked <= started);
  // Records keep whole microseconds; subtracting their millisecond getters can differ in the last
  // binary digit (2.767 against 2.7670000000000003), so compare in the unit they are kept in.
  assert.equal(Math.round(record.blocked * 1000), Math.round((resolved - asked) * 1000));
  assert.equal(record.attempts.length, 1);
  const [attempt] = record.attempts;
  assert.ok(attempt);
  assert.equal(attempt.outcome, 'ok');
  assert.equal(attempt.status, 200);
  assert.equal(attempt.statusText, 'OK');
  const { startedAt, sentAt, firstByteAt, endedAt } = attempt;
  assert.ok(sentAt !== undefined && firstByteAt !== undefined && endedAt !== undefined);
  assert.ok(started <= startedAt && startedAt <= sentAt && sentAt <= firstByteAt);
  assert.ok(firstByteAt <= endedAt && endedAt <= resolved);
});

test('a FuturesSession call waits in the queue: started after the worker frees up', async (t) => {
  const release = deferred();
  const server = await startServer(t, gated({ '/first': release.promise }));
  const futures = openFutures(t, { baseURL: server.origin, maxWorkers: 1 });
  const trace = new Trace();
  const [first, second] = trace.run(() => [futures.get('/first'), futures.get('/second')]);
  const queuedMark = mark(trace);
  release.resolve();
  await Promise.all([first, second]);
  const one = recordOf(trace, '/first');
  const two = recordOf(trace, '/second');
  assert.equal(one.queuedAt, one.startedAt, 'a free worker starts the call as it is made');
  assert.ok(two.queuedAt <= queuedMark);
  assert.ok((two.startedAt as number) > queuedMark, 'the second starts after the release');
  assert.ok((two.startedAt as number) >= (one.resolvedAt as number));
  assert.equal(two.attempts.length, 1);
  assert.ok((two.attempts[0]?.startedAt as number) >= (two.startedAt as number));
});

test('redirect hops and retries are extra attempts of one call', async (t) => {
  let failures = 0;
  const server = await startServer(t, (request, response) => {
    request.resume();
    if (request.url === '/moved') response.writeHead(302, { location: '/final' }).end();
    else if (request.url === '/flaky' && failures++ < 2) response.writeHead(503).end('busy');
    else response.end('done');
  });
  const futures = openFutures(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
  const trace = new Trace();
  await trace.run(() => Promise.all([futures.get('/moved'), futures.get('/flaky')]));
  const moved = recordOf(trace, '/moved');
  assert.deepEqual(
    moved.attempts.map((attempt) => [new URL(attempt.url).pathname, attempt.status]),
    [
      ['/moved', 302],
      ['/final', 200],
    ],
  );
  assert.equal(moved.status, 200);
  const flaky = recordOf(trace, '/flaky');
  assert.deepEqual(
    flaky.attempts.map((attempt) => attempt.status),
    [503, 503, 200],
  );
  for (const record of [moved, flaky]) {
    // Attempts follow one another: each starts after the previous one ended.
    for (let index = 1; index < record.attempts.length; index++) {
      const previous = record.attempts[index - 1];
      assert.ok((record.attempts[index]?.startedAt as number) >= (previous?.endedAt as number));
    }
  }
});

test('a new connection has connect times; the next request reuses it without them', async (t) => {
  const server = await startServer(t, (request, response) => {
    request.resume();
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin });
  const trace = new Trace();
  let dispatched = 0;
  await trace.run(async () => {
    const first = session.get('/first');
    // The request was handed to undici synchronously; the TCP connect completes later.
    dispatched = mark(trace);
    await first;
    await nextTurn();
    await session.get('/second');
  });
  assert.equal(server.sockets.size, 1);
  const opened = recordOf(trace, '/first').attempts[0];
  const reused = recordOf(trace, '/second').attempts[0];
  assert.ok(opened && reused);
  assert.equal(opened.reused, false);
  const { connectStart, connectEnd, sentAt } = opened;
  assert.ok(connectStart !== undefined && connectEnd !== undefined && sentAt !== undefined);
  assert.ok(opened.startedAt <= connectStart, 'connect starts after the attempt');
  assert.ok(connectStart <= dispatched, 'connect began when the request was dispatched');
  assert.ok(dispatched <= connectEnd && connectEnd <= sentAt);
  assert.equal(opened.isSecure, false);
  assert.equal(reused.reused, true);
  assert.equal(reused.connectStart, undefined);
  assert.equal(reused.connectEnd, undefined);
});

test('a socket opened by an untraced request counts as reused in a trace', async (t) => {
  const server = await startServer(t, (request, response) => {
    request.resume();
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin });
  const trace = new Trace(); // tracing is on from here
  await session.get('/untraced');
  await nextTurn();
  await trace.run(() => session.get('/traced'));
  assert.equal(server.sockets.size, 1);
  const attempt = recordOf(trace, '/traced').attempts[0];
  assert.equal(attempt?.reused, true);
  assert.equal(attempt?.connectStart, undefined);
});

test('a future awaited before its response is released blocks from the ask to the release', {
  timeout: 10_000,
}, async (t) => {
  const arrived = deferred();
  const release = deferred();
  const server = await startServer(t, async (request, response) => {
    request.resume();
    arrived.resolve();
    await release.promise;
    response.end('late');
  });
  const futures = openFutures(t, { baseURL: server.origin });
  const trace = new Trace();
  await trace.run(async () => {
    const future = futures.get('/late');
    await arrived.promise;
    const record = recordOf(trace, '/late');
    assert.ok(record.askedAt === undefined, 'not asked yet');
    const beforeAsk = mark(trace);
    const consumer = (async () => (await future).text)();
    await null; // `await future` calls future.then in the job queued before this one
    const asked = mark(trace);
    assert.ok(record.askedAt !== undefined && record.askedAt <= asked);
    const released = mark(trace);
    release.resolve();
    assert.equal(await consumer, 'late');
    const done = mark(trace);
    assert.ok(record.blocked > 0);
    assert.ok(record.blocked >= released - asked, 'blocked covers the time until the release');
    assert.ok(record.blocked <= done - beforeAsk);
  });
});

test('a future awaited after it resolved was never blocked on', { timeout: 10_000 }, async (t) => {
  const server = await startServer(t, (request, response) => {
    request.resume();
    response.end('early');
  });
  const futures = openFutures(t, { baseURL: server.origin });
  const trace = new Trace();
  await trace.run(async () => {
    const future = futures.get('/early');
    const finished = deferred();
    future.addDoneCallback(() => finished.resolve()); // not an ask
    await finished.promise;
    const record = recordOf(trace, '/early');
    assert.ok(record.askedAt === undefined, 'not asked yet');
    assert.equal((await future).text, 'early');
    assert.ok(Number(record.askedAt) >= Number(record.resolvedAt), 'asked after it resolved');
    assert.equal(record.blocked, 0);
  });
  assert.equal(trace.summary().blocked, 0);
  assert.deepEqual(trace.summary().topBlockers, []);
});

for (const [asker, ask] of [
  ['wait()', (future: Future<Response>) => wait([future])],
  ['result()', (future: Future<Response>) => future.result()],
  ['exception()', (future: Future<Response>) => future.exception()],
] as const) {
  test(`${asker} counts as asking`, async (t) => {
    const release = deferred();
    const server = await startServer(t, gated({ '/held': release.promise }));
    const futures = openFutures(t, { baseURL: server.origin });
    const trace = new Trace();
    await trace.run(async () => {
      const future = futures.get('/held');
      const asking = ask(future);
      const asked = mark(trace);
      const record = recordOf(trace, '/held');
      assert.ok(record.askedAt !== undefined && record.askedAt <= asked);
      const released = mark(trace);
      release.resolve();
      await asking;
      assert.ok(record.blocked >= released - asked);
      assert.ok(record.blocked > 0);
    });
  });
}

test('critical path of a chain: B made after A resolved, C in parallel → [A, B]', {
  timeout: 10_000,
}, async (t) => {
  const bArrived = deferred();
  const cDone = deferred();
  const server = await startServer(t, async (request, response) => {
    request.resume();
    if (request.url === '/c') await bArrived.promise; // C resolves after B was made…
    if (request.url === '/b') {
      bArrived.resolve();
      await cDone.promise; // …and before B resolves
    }
    response.end(request.url);
  });
  const futures = openFutures(t, { baseURL: server.origin });
  const trace = new Trace({ name: 'chain' });
  await trace.run(async () => {
    const a = futures.get('/a');
    const c = futures.get('/c');
    await a;
    const b = futures.get('/b');
    await c;
    cDone.resolve();
    await b;
  });
  trace.end();
  const [a, c, b] = ['/a', '/c', '/b'].map((path) => recordOf(trace, path)) as RequestRecord[];
  assert.ok(a && b && c);
  assert.ok((c.resolvedAt as number) > b.queuedAt, 'C was still running when B was made');
  const summary = trace.summary();
  assert.deepEqual(
    summary.criticalPath.map((request) => request.id),
    [a.id, b.id],
  );
  assert.equal(summary.requests, 3);
  assert.ok(summary.wallTime >= (b.resolvedAt as number));
});

test('summary().topBlockers lists the requests waited on, longest first', {
  timeout: 10_000,
}, async (t) => {
  const release = deferred();
  const server = await startServer(t, gated({ '/long': release.promise }));
  const futures = openFutures(t, { baseURL: server.origin });
  const session = openSession(t, { baseURL: server.origin });
  const trace = new Trace();
  await trace.run(async () => {
    const long = futures.get('/long');
    const early = futures.get('/early');
    const earlyDone = deferred();
    early.addDoneCallback(() => earlyDone.resolve());
    await earlyDone.promise;
    const waiting = long.result(); // blocked on /long from here…
    await session.get('/short'); // …for longer than this whole call
    release.resolve();
    await waiting;
    await early; // already there: never blocked
  });
  const summary = trace.summary();
  const long = recordOf(trace, '/long');
  const short = recordOf(trace, '/short');
  assert.deepEqual(
    summary.topBlockers.map((request) => request.id),
    [long.id, short.id],
  );
  assert.ok(long.blocked > short.blocked);
  assert.equal(summary.blocked, long.blocked + short.blocked);
  assert.equal(summary.perRequest.find((request) => request.url.endsWith('/early'))?.blocked, 0);
});

/** Parses a Server-Timing header value per the W3C grammar, failing on anything else. */
function parseServerTiming(value: string): { name: string; params: Map<string, string> }[] {
  const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
  const quoted = /^"((?:[^"\\]|\\.)*)"/;
  const metrics: { name: string; params: Map<string, string> }[] = [];
  let rest = value;
  const take = (pattern: RegExp): RegExpExecArray | null => {
    const match = pattern.exec(rest);
    if (match) rest = rest.slice(match[0].length);
    return match;
  };
  for (;;) {
    const name = take(token);
    assert.ok(name, `a metric name (token) at ${JSON.stringify(rest)}`);
    const params = new Map<string, string>();
    while (take(/^[ \t]*;[ \t]*/)) {
      const param = take(token);
      assert.ok(param, `a parameter name at ${JSON.stringify(rest)}`);
      assert.ok(take(/^[ \t]*=[ \t]*/), `"=" at ${JSON.stringify(rest)}`);
      const quotedValue = take(quoted);
      const plain = quotedValue ? null : take(token);
      assert.ok(quotedValue || plain, `a token or quoted string at ${JSON.stringify(rest)}`);
      params.set(param[0], quotedValue ? (quotedValue[1] as string) : (plain?.[0] as string));
    }
    metrics.push({ name: name[0], params });
    if (rest === '') return metrics;
    assert.ok(take(/^[ \t]*,[ \t]*/), `"," between metrics at ${JSON.stringify(rest)}`);
  }
}

test('serverTiming() follows the Server-Timing grammar and never shows a query string', async (t) => {
  const release = deferred();
  const server = await startServer(t, gated({ '/search': release.promise }));
  const futures = openFutures(t, { baseURL: server.origin });
  const trace = new Trace();
  await trace.run(async () => {
    const search = futures.get('/search', { params: { q: 'private words', page: 2 } });
    const asking = search.result();
    release.resolve();
    await asking;
    await futures.get('/a "quoted" path\\');
  });
  trace.end();
  const header = trace.serverTiming();
  const metrics = parseServerTiming(header);
  assert.deepEqual(
    metrics.map((metric) => metric.name),
    ['total', 'blocked', ...trace.summary().topBlockers.map((request) => `req-${request.id}`)],
  );
  assert.ok(metrics.length >= 4, header);
  for (const metric of metrics) {
    assert.match(metric.params.get('dur') ?? '', /^\d+(\.\d+)?$/, header);
  }
  assert.equal(metrics[0]?.params.get('desc'), '2 requests');
  assert.equal(metrics.find((m) => m.name === 'req-1')?.params.get('desc'), 'GET /search');
  assert.ok(!header.includes('?') && !header.includes('private') && !header.includes('page'));
});

test('a FuturesSession request refused by a full queue is recorded as failed, not pending', async (t) => {
  const release = deferred();
  const server = await startServer(t, gated({ '/busy': release.promise }));
  const futures = openFutures(t, { baseURL: server.origin, maxWorkers: 1, maxQueued: 0 });
  const trace = new Trace();
  const [busy, refused] = trace.run(() => [futures.get('/busy'), futures.get('/refused')]);
  await assert.rejects(refused.result(), { code: 'FANOUT_QUEUE_FULL' });
  release.resolve();
  await busy;
  const record = recordOf(trace, '/refused');
  assert.equal(record.outcome, 'error');
  assert.equal(record.errorCode, 'FANOUT_QUEUE_FULL');
  assert.equal(record.startedAt, undefined);
  assert.deepEqual(record.attempts, []);
  assert.equal(record.resolvedAt, record.queuedAt, 'refused as it was made');
});

test('a queued FuturesSession request past its deadline is recorded as failed, unsent', async (t) => {
  const release = deferred();
  const server = await startServer(t, gated({ '/busy': release.promise }));
  const futures = openFutures(t, { baseURL: server.origin, maxWorkers: 1 });
  const trace = new Trace();
  const [busy, late] = trace.run(() => [
    futures.get('/busy'),
    futures.get('/late', { timeout: { total: 20 } }),
  ]);
  await assert.rejects(late.result(), { code: 'FANOUT_TIMEOUT', phase: 'total' });
  const record = recordOf(trace, '/late');
  assert.equal(record.outcome, 'error');
  assert.equal(record.errorCode, 'FANOUT_TIMEOUT');
  assert.equal(record.startedAt, undefined);
  assert.deepEqual(record.attempts, []);
  assert.ok(record.resolvedAt !== undefined, 'resolved, not left pending');
  assert.equal(busy.done(), false, 'failed while still queued');
  release.resolve();
  await busy;
});

test('a queued FuturesSession request cancelled before it starts is recorded as cancelled', async (t) => {
  const release = deferred();
  const server = await startServer(t, gated({ '/busy': release.promise }));
  const futures = openFutures(t, { baseURL: server.origin, maxWorkers: 1 });
  const trace = new Trace();
  await trace.run(async () => {
    const busy = futures.get('/busy');
    const queued = futures.get('/queued');
    assert.equal(queued.cancel(), true);
    release.resolve();
    await busy;
  });
  const record = recordOf(trace, '/queued');
  assert.equal(record.outcome, 'cancelled');
  assert.equal(record.errorCode, 'FANOUT_CANCELLED');
  assert.equal(record.startedAt, undefined);
  assert.deepEqual(record.attempts, []);
  assert.ok((record.resolvedAt as number) >= record.queuedAt);
  assert.equal(trace.summary().perRequest.find((r) => r.id === record.id)?.outcome, 'cancelled');
});
