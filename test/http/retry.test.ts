import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { type BeforeRetryState, ConnectionError, TimeoutError } from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

/** Lets `count` turns of the event loop pass (real I/O and microtasks; no timer). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A server answering with `statuses` in turn (then 200), counting hits. */
async function sequence(
  t: Parameters<typeof startServer>[0],
  statuses: number[],
  headers: Record<string, string> = {},
) {
  const state = { hits: 0 };
  const server = await startServer(t, (request, response) => {
    const status = statuses[state.hits] ?? 200;
    state.hits++;
    request.resume();
    response.writeHead(status, status === 200 ? {} : headers).end(String(state.hits));
  });
  return { server, state };
}

test('GET is retried twice by default on connection errors', async (t) => {
  let hits = 0;
  const server = await startServer(t, (request, response) => {
    hits++;
    if (hits <= 2) request.socket.destroy();
    else response.end('third time');
  });
  const session = openSession(t, { baseURL: server.origin });
  const retries: unknown[] = [];
  const response = await session.get('/', {
    hooks: { beforeRetry: [({ error }) => void retries.push(error)] },
  });
  assert.equal(response.text, 'third time');
  assert.equal(hits, 3);
  assert.equal(retries.length, 2);
  assert.ok(retries.every((error) => error instanceof ConnectionError));
});

test('after the default 2 retries the connection error is thrown', async (t) => {
  let hits = 0;
  const server = await startServer(t, (request) => {
    hits++;
    request.socket.destroy();
  });
  const session = openSession(t, { baseURL: server.origin });
  await assert.rejects(session.get('/'), ConnectionError);
  assert.equal(hits, 3);
});

for (const status of [408, 429, 500, 502, 503, 504]) {
  test(`status ${status} is retried`, async (t) => {
    const { server, state } = await sequence(t, [status, status]);
    const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
    const response = await session.get('/');
    assert.equal(response.status, 200);
    assert.equal(state.hits, 3);
  });
}

test('the last retryable response is returned when retries run out', async (t) => {
  const { server, state } = await sequence(t, [503, 503, 503, 503]);
  const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
  const response = await session.get('/');
  assert.equal(response.status, 503);
  assert.equal(response.text, '3');
  assert.equal(state.hits, 3);
});

for (const status of [400, 404, 501]) {
  test(`status ${status} is not retried`, async (t) => {
    const { server, state } = await sequence(t, [status]);
    const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
    assert.equal((await session.get('/')).status, status);
    assert.equal(state.hits, 1);
  });
}

for (const method of ['HEAD', 'OPTIONS', 'PUT', 'DELETE']) {
  test(`${method} is retried`, async (t) => {
    const { server, state } = await sequence(t, [503]);
    const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
    assert.equal((await session.request(method, '/')).status, 200);
    assert.equal(state.hits, 2);
  });
}

for (const method of ['POST', 'PATCH']) {
  test(`${method} is not retried unless listed in retry.methods`, async (t) => {
    const { server, state } = await sequence(t, [503, 503]);
    const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
    assert.equal((await session.request(method, '/', { body: 'x' })).status, 503);
    assert.equal(state.hits, 1);
    const listed = await session.request(method, '/', {
      body: 'x',
      retry: { methods: [method.toLowerCase()] },
    });
    assert.equal(listed.status, 200);
    assert.equal(state.hits, 3);
  });
}

test('POST is not retried on a connection error either', async (t) => {
  let hits = 0;
  const server = await startServer(t, (request) => {
    hits++;
    request.socket.destroy();
  });
  const session = openSession(t, { baseURL: server.origin });
  await assert.rejects(session.post('/', { json: {} }), ConnectionError);
  assert.equal(hits, 1);
});

test('a per-phase timeout is retried, like a connection error', async (t) => {
  let hits = 0;
  const server = await startServer(t, (_request, response) => {
    hits++;
    if (hits === 2) response.end('answered');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', {
    timeout: { headers: 150 },
    retry: { baseDelay: 1 },
  });
  assert.equal(response.text, 'answered');
  assert.equal(hits, 2);
});

test('retry: false, 0 and limit bound the attempts', async (t) => {
  const { server, state } = await sequence(t, [503, 503, 503, 503, 503, 503, 503]);
  const session = openSession(t, { baseURL: server.origin });
  assert.equal((await session.get('/', { retry: false })).status, 503);
  assert.equal(state.hits, 1);
  assert.equal((await session.get('/', { retry: 0 })).status, 503);
  assert.equal(state.hits, 2);
  assert.equal((await session.get('/', { retry: { limit: 4, baseDelay: 1 } })).status, 503);
  assert.equal(state.hits, 7);
});

test('backoff: exponential with full jitter, within min(maxDelay, baseDelay·2ⁿ)', async (t) => {
  const { server } = await sequence(t, Array(40).fill(503));
  const session = openSession(t, { baseURL: server.origin });
  const retry = { limit: 4, baseDelay: 10, maxDelay: 25 };
  const ceilings = [10, 20, 25, 25];
  const delaysWith = async (random: number | undefined) => {
    const restore = random === undefined ? undefined : t.mock.method(Math, 'random', () => random);
    const delays: number[] = [];
    const counts: number[] = [];
    try {
      await session.get('/', {
        retry,
        hooks: {
          beforeRetry: [
            ({ delay, retryCount }: BeforeRetryState) => {
              delays.push(delay);
              counts.push(retryCount);
            },
          ],
        },
      });
    } finally {
      restore?.mock.restore();
    }
    assert.deepEqual(counts, [1, 2, 3, 4]);
    return delays;
  };
  assert.deepEqual(await delaysWith(0.999_999), ceilings);
  assert.deepEqual(await delaysWith(0), [0, 0, 0, 0]);
  assert.deepEqual(await delaysWith(0.5), [5, 10, 13, 13]);
  // With the real random source, every delay stays within its ceiling, and they are not all equal.
  const seen = new Set<number>();
  for (let run = 0; run < 5; run++) {
    const delays = await delaysWith(undefined);
    delays.forEach((delay, n) => {
      assert.ok(delay >= 0 && delay <= (ceilings[n] as number), `delay ${delay} of retry ${n + 1}`);
      seen.add(delay);
    });
  }
  assert.ok(seen.size > 1, 'jittered delays differ');
});

test('Retry-After in seconds is honoured: the retry waits the delay it schedules', {
  timeout: 10_000,
}, async (t) => {
  const { server, state } = await sequence(t, [503], { 'retry-after': '1' });
  const session = openSession(t, { baseURL: server.origin });
  const scheduled = deferred<number>();
  let attempts = 0;
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const call = session.get('/', {
    hooks: {
      beforeRequest: [() => void attempts++],
      beforeRetry: [({ delay }) => scheduled.resolve(delay)],
    },
  });
  assert.equal(await scheduled.promise, 1000);
  await turns(2); // the hook has returned and the backoff timer is set
  t.mock.timers.tick(999);
  await turns(2);
  assert.equal(attempts, 1, 'no retry before the second is up');
  t.mock.timers.tick(1);
  const response = await call;
  assert.equal(response.status, 200);
  assert.equal(attempts, 2);
  assert.equal(state.hits, 2);
});

test('Retry-After as an HTTP-date is honoured', async (t) => {
  const when = new Date(Date.now() + 5_000).toUTCString();
  const { server, state } = await sequence(t, [429], { 'retry-after': when });
  const session = openSession(t, { baseURL: server.origin });
  const stop = new Error('stop before sleeping');
  let delay = -1;
  const error = await session
    .get('/', {
      hooks: {
        beforeRetry: [
          (state) => {
            delay = state.delay;
            throw stop;
          },
        ],
      },
    })
    .catch((e: unknown) => e);
  assert.equal(error, stop);
  assert.ok(delay > 3_000 && delay <= 5_000, `delay ${delay}`);
  assert.equal(state.hits, 1);
});

test('a Retry-After longer than maxRetryAfter returns the response as is', async (t) => {
  const { server, state } = await sequence(t, [503, 503], { 'retry-after': '31' });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/');
  assert.equal(response.status, 503);
  assert.equal(response.headers['retry-after'], '31');
  assert.equal(state.hits, 1, 'the default maxRetryAfter is 30 s');
  const short = await session.get('/', { retry: { maxRetryAfter: 500 } });
  assert.equal(short.status, 503);
  assert.equal(state.hits, 2);
});

test('a retry that would pass the total deadline is not attempted', async (t) => {
  const { server, state } = await sequence(t, [503, 503], { 'retry-after': '5' });
  const session = openSession(t, { baseURL: server.origin, timeout: 1_000 });
  const response = await session.get('/');
  assert.equal(response.status, 503);
  assert.equal(state.hits, 1);
});

test('a stream body is never retried', async (t) => {
  const { server, state } = await sequence(t, [503, 503]);
  const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
  const response = await session.put('/', { body: Readable.from(['once']) });
  assert.equal(response.status, 503);
  assert.equal(state.hits, 1);
});

test('a replayable body is sent again on retry', async (t) => {
  const bodies: string[] = [];
  let hits = 0;
  const server = await startServer(t, async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    bodies.push(Buffer.concat(chunks).toString());
    hits++;
    response.writeHead(hits === 1 ? 500 : 200).end();
  });
  const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
  await session.put('/', { json: { v: 1 } });
  assert.deepEqual(bodies, ['{"v":1}', '{"v":1}']);
});

test('a TimeoutError of the total deadline is not retried', async (t) => {
  let hits = 0;
  const server = await startServer(t, () => {
    hits++;
  });
  const session = openSession(t, { baseURL: server.origin });
  const error = await session.get('/', { timeout: 200 }).catch((e: unknown) => e);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.phase, 'total');
  assert.equal(hits, 1);
});

test('many calls in backoff at once leave no listener warning behind', async (t) => {
  const { server } = await sequence(
    t,
    Array.from({ length: 40 }, () => 503),
  );
  const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 5, maxDelay: 5 } });
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const responses = await Promise.all(Array.from({ length: 20 }, () => session.get('/')));
  assert.ok(responses.every((response) => response.status === 503 || response.status === 200));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(warnings, []);
});
