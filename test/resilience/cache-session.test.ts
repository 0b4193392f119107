import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import {
  type CacheOptions,
  CancelledError,
  CircuitBreaker,
  cacheOutcome,
  HttpCache,
  type RequestRecord,
  Session,
  type SessionOptions,
  type SessionPolicy,
  Trace,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';

type Context = Parameters<typeof startServer>[0];

/** What the origin answers: status 200 and an empty body unless said otherwise. */
interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A request as the origin saw it. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * A fake clock for the cache, and an origin that stamps its `Date` header from it, records every
 * request it gets and answers with `respond` (or drops the connection, or never answers).
 */
async function setup(
  t: Context,
  respond: (seen: Seen, count: number) => Answer | 'drop' | 'hang',
  options: CacheOptions = {},
  sessionOptions: SessionOptions = {},
  behind: readonly SessionPolicy[] = [],
) {
  const clock = { now: Date.UTC(2026, 10, 25, 12) };
  const seen: Seen[] = [];
  const server = await startServer(t, (request, response) => {
    const entry = {
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
    };
    seen.push(entry);
    const answer = respond(entry, seen.length);
    if (answer === 'drop') request.socket.destroy();
    if (answer === 'drop' || answer === 'hang') return;
    response.writeHead(answer.status ?? 200, {
      date: new Date(clock.now).toUTCString(),
      ...answer.headers,
    });
    response.end(answer.body ?? '');
  });
  const cache = new HttpCache({ now: () => clock.now, ...options });
  const session = new Session({
    baseURL: server.origin,
    retry: false,
    ...sessionOptions,
    policies: [cache, ...behind],
  });
  t.after(() => session.close());
  const advance = (ms: number) => {
    clock.now += ms;
  };
  return { seen, session, advance, clock, cache };
}

test('max-age: a fresh response is served from the cache with its Age, then fetched again', async (t) => {
  const { seen, session, advance } = await setup(t, (_, n) => ({
    headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' },
    body: `v${n}`,
  }));
  const first = await session.get('/a');
  assert.equal(cacheOutcome(first), 'miss');
  assert.equal(first.text, 'v1');
  advance(30_000);
  const second = await session.get('/a');
  assert.equal(cacheOutcome(second), 'hit');
  assert.equal(second.text, 'v1');
  assert.equal(second.headers.age, '30');
  assert.equal(second.headers['content-type'], 'text/plain');
  assert.equal(second.url, first.url);
  second.content.fill(0); // a caller writing into what it was served leaves the cache alone
  assert.equal((await session.get('/a')).text, 'v1');
  assert.equal(seen.length, 1);
  advance(31_000);
  const third = await session.get('/a');
  assert.equal(cacheOutcome(third), 'miss');
  assert.equal(third.text, 'v2');
  assert.equal(seen.length, 2);
  // Another URL, and another method on the same URL, are other entries.
  await session.get('/b');
  await session.head('/a');
  assert.equal(seen.length, 4);
});

test('Expires, and the Last-Modified heuristic (10 % of its age, or off)', async (t) => {
  const clockStart = Date.UTC(2026, 10, 25, 12);
  const { seen, session, advance } = await setup(t, (request) =>
    request.url === '/expires'
      ? { headers: { expires: new Date(clockStart + 30_000).toUTCString() } }
      : { headers: { 'last-modified': new Date(clockStart - 36_000_000).toUTCString() } },
  );
  await session.get('/expires');
  await session.get('/modified');
  advance(29_000);
  assert.equal(cacheOutcome(await session.get('/expires')), 'hit');
  advance(2_000);
  assert.equal(cacheOutcome(await session.get('/expires')), 'miss');
  // Modified 10 h before: fresh for 1 h (revalidated after that, since it has Last-Modified).
  advance(3_500_000);
  assert.equal(cacheOutcome(await session.get('/modified')), 'hit');
  assert.equal(seen.length, 3);

  const off = await setup(
    t,
    () => ({
      headers: { 'last-modified': new Date(clockStart - 36_000_000).toUTCString() },
    }),
    { heuristic: false },
  );
  await off.session.get('/modified');
  await off.session.get('/modified');
  assert.equal(off.seen.length, 2);
});

test('a shared cache (default) prefers s-maxage; a private one ignores it', async (t) => {
  const respond = () => ({ headers: { 'cache-control': 'max-age=100, s-maxage=10' } });
  const shared = await setup(t, respond);
  const own = await setup(t, respond, { shared: false });
  for (const { session, advance } of [shared, own]) {
    await session.get('/');
    advance(20_000);
    await session.get('/');
  }
  assert.equal(shared.seen.length, 2);
  assert.equal(own.seen.length, 1);
});

test('Vary: each variant is stored under the varied request headers; Vary: * is never stored', async (t) => {
  const { seen, session } = await setup(t, (request) => ({
    headers: {
      'cache-control': 'max-age=60',
      vary: request.url === '/star' ? '*' : 'Accept-Language',
    },
    body: `${request.headers['accept-language']}`,
  }));
  const get = (language: string, path = '/') =>
    session.get(path, { headers: { 'accept-language': language } });
  assert.equal((await get('en')).text, 'en');
  assert.equal((await get('fr')).text, 'fr');
  const en = await get('en');
  const fr = await get('fr');
  assert.deepEqual([en.text, cacheOutcome(en)], ['en', 'hit']);
  assert.deepEqual([fr.text, cacheOutcome(fr)], ['fr', 'hit']);
  assert.equal(seen.length, 2);
  await get('en', '/star');
  await get('en', '/star');
  assert.equal(seen.length, 4);
});

test('no-store (either side) and private (in a shared cache) are never stored; set-cookie never is', async (t) => {
  const { seen, session } = await setup(t, (request) => ({
    headers: {
      'cache-control':
        request.url === '/public' ? 'max-age=60' : `max-age=60, ${request.url?.slice(1)}`,
      'set-cookie': 'session=abc',
    },
  }));
  for (const path of ['/no-store', '/private']) {
    await session.get(path);
    assert.equal(cacheOutcome(await session.get(path)), 'miss', path);
  }
  await session.get('/public', { headers: { 'cache-control': 'no-store' } });
  assert.equal(cacheOutcome(await session.get('/public')), 'miss');
  const hit = await session.get('/public');
  assert.equal(cacheOutcome(hit), 'hit');
  assert.equal(hit.headers['set-cookie'], undefined);
  assert.equal(seen.length, 6);

  const own = await setup(t, () => ({ headers: { 'cache-control': 'max-age=60, private' } }), {
    shared: false,
  });
  await own.session.get('/');
  assert.equal(cacheOutcome(await own.session.get('/')), 'hit');
});

test('a shared cache stores an answer to an Authorization request only when it says so (§3.5)', async (t) => {
  const { seen, session } = await setup(t, (request) => ({
    headers: { 'cache-control': request.url === '/public' ? 'max-age=60, public' : 'max-age=60' },
  }));
  const auth = { bearer: 'secret-token' };
  await session.get('/plain', { auth });
  assert.equal(cacheOutcome(await session.get('/plain', { auth })), 'miss');
  await session.get('/public', { auth });
  assert.equal(cacheOutcome(await session.get('/public', { auth })), 'hit');
  assert.equal(seen.length, 3);
  const own = await setup(t, () => ({ headers: { 'cache-control': 'max-age=60' } }), {
    shared: false,
  });
  await own.session.get('/', { auth });
  assert.equal(cacheOutcome(await own.session.get('/', { auth })), 'hit');
});

test('revalidation: a stale response with an ETag is confirmed by 304, which updates its headers', async (t) => {
  const { seen, session, advance } = await setup(t, (request, n) => {
    if (request.headers['if-none-match'] === '"v1"') {
      return {
        status: 304,
        headers: { etag: '"v1"', 'cache-control': 'max-age=100', 'x-version': String(n) },
      };
    }
    return {
      headers: {
        etag: '"v1"',
        'cache-control': 'max-age=10',
        'x-version': '1',
        'content-length': '4',
      },
      body: 'body',
    };
  });
  await session.get('/');
  advance(11_000);
  const revalidated = await session.get('/');
  assert.equal(seen[1]?.headers['if-none-match'], '"v1"');
  assert.equal(revalidated.status, 200);
  assert.equal(revalidated.text, 'body');
  assert.equal(cacheOutcome(revalidated), 'revalidated');
  assert.equal(revalidated.headers['x-version'], '2');
  assert.equal(revalidated.headers['content-length'], '4');
  // Fresh for 100 s from the 304.
  advance(90_000);
  const hit = await session.get('/');
  assert.deepEqual([cacheOutcome(hit), hit.text, hit.headers['x-version']], ['hit', 'body', '2']);
  assert.equal(seen.length, 2);
});

test('revalidation with Last-Modified; a changed resource (200) replaces the stored one', async (t) => {
  const modified = new Date(Date.UTC(2026, 0, 1)).toUTCString();
  const { seen, session, advance } = await setup(t, (request, n) => {
    if (n === 2) {
      assert.equal(request.headers['if-modified-since'], modified);
      return { status: 304 };
    }
    return {
      headers: { 'last-modified': modified, 'cache-control': 'max-age=10' },
      body: `v${n}`,
    };
  });
  await session.get('/');
  advance(11_000);
  assert.equal(cacheOutcome(await session.get('/')), 'revalidated');
  advance(11_000);
  const changed = await session.get('/');
  assert.deepEqual([cacheOutcome(changed), changed.text], ['miss', 'v3']);
  assert.equal(cacheOutcome(await session.get('/')), 'hit');
  assert.equal(seen.length, 3);
});

test('no-cache: stored, but revalidated before every use', async (t) => {
  const { seen, session } = await setup(t, (request) =>
    request.headers['if-none-match'] === '"a"'
      ? { status: 304 }
      : { headers: { 'cache-control': 'no-cache', etag: '"a"' }, body: 'kept' },
  );
  await session.get('/');
  for (let i = 0; i < 2; i++) {
    const response = await session.get('/');
    assert.deepEqual([cacheOutcome(response), response.text], ['revalidated', 'kept']);
  }
  assert.equal(seen.length, 3);
  // A request's own no-cache or max-age=0 also revalidates.
  const fresh = await setup(t, (request) =>
    request.headers['if-none-match'] === '"a"'
      ? { status: 304 }
      : { headers: { 'cache-control': 'max-age=60', etag: '"a"' } },
  );
  await fresh.session.get('/');
  for (const directive of ['no-cache', 'max-age=0']) {
    fresh.advance(1_000); // max-age=0 refuses a response older than 0 s; this one is 1 s old
    const response = await fresh.session.get('/', { headers: { 'cache-control': directive } });
    assert.equal(cacheOutcome(response), 'revalidated', directive);
  }
  assert.equal(fresh.seen.length, 3);
});

test('stale-if-error: the stored response stands in for a 5xx or a dropped connection, within the window', async (t) => {
  let failure: Answer | 'drop' = { status: 503 };
  const { seen, session, advance } = await setup(
    t,
    (_, n) => (n === 1 ? { headers: { 'cache-control': 'max-age=10' }, body: 'good' } : failure),
    { staleIfError: 60_000 },
  );
  await session.get('/');
  advance(30_000);
  const stale = await session.get('/');
  assert.deepEqual([stale.status, stale.text, cacheOutcome(stale)], [200, 'good', 'stale']);
  assert.equal(stale.headers.age, '30');
  failure = 'drop';
  const dropped = await session.get('/');
  assert.deepEqual([dropped.status, cacheOutcome(dropped)], [200, 'stale']);
  // Past max-age + staleIfError the error reaches the caller.
  failure = { status: 503 };
  advance(41_000);
  const late = await session.get('/');
  assert.deepEqual([late.status, cacheOutcome(late)], [503, 'miss']);
  assert.equal(seen.length, 4);
});

test('stale-if-error from the response itself; must-revalidate forbids serving stale', async (t) => {
  const { session, advance } = await setup(
    t,
    (request, n) => {
      if (n <= 2) {
        const control =
          request.url === '/strict'
            ? 'max-age=10, must-revalidate'
            : 'max-age=10, stale-if-error=100';
        return { headers: { 'cache-control': control } };
      }
      return { status: 500 };
    },
    { staleIfError: 600_000 },
  );
  await session.get('/own');
  await session.get('/strict');
  advance(50_000);
  assert.equal(cacheOutcome(await session.get('/own')), 'stale');
  const strict = await session.get('/strict');
  assert.deepEqual([strict.status, cacheOutcome(strict)], [500, 'miss']);
});

test('unsafe methods are not cached and invalidate the stored GET of their URL', async (t) => {
  const { seen, session } = await setup(t, (request) => ({
    headers: { 'cache-control': 'max-age=60' },
    body: request.method,
  }));
  await session.get('/cart');
  assert.equal(cacheOutcome(await session.get('/cart')), 'hit');
  const posted = await session.post('/cart', { json: { item: 1 } });
  assert.equal(cacheOutcome(posted), undefined);
  assert.equal(cacheOutcome(await session.get('/cart')), 'miss');
  assert.equal(seen.length, 3);
});

test('only-if-cached answers 504 without the origin; a caller-conditional request bypasses the cache', async (t) => {
  const { seen, session } = await setup(t, () => ({
    headers: { 'cache-control': 'max-age=60', etag: '"x"' },
  }));
  const none = await session.get('/', { headers: { 'cache-control': 'only-if-cached' } });
  assert.equal(none.status, 504);
  assert.equal(seen.length, 0);
  await session.get('/');
  const own = await session.get('/', { headers: { 'if-none-match': '"y"' } });
  assert.equal(cacheOutcome(own), undefined);
  assert.equal(seen.length, 2);
  const cached = await session.get('/', { headers: { 'cache-control': 'only-if-cached' } });
  assert.equal(cacheOutcome(cached), 'hit');
});

test('a hit for a stream request gives the body as a stream', async (t) => {
  const { session } = await setup(t, () => ({
    headers: { 'cache-control': 'max-age=60' },
    body: 'streamed',
  }));
  await session.get('/');
  const response = await session.get('/', { stream: true });
  assert.equal(cacheOutcome(response), 'hit');
  const chunks: Buffer[] = [];
  for await (const chunk of response.body ?? []) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'streamed');
});

test('the trace records the cache outcome of each request; a hit has no attempt on the wire', async (t) => {
  const { session } = await setup(t, () => ({ headers: { 'cache-control': 'max-age=60' } }));
  const trace = new Trace();
  await trace.run(async () => {
    await session.get('/');
    await session.get('/');
  });
  const [miss, hit] = trace.requests as [RequestRecord, RequestRecord];
  assert.deepEqual(
    miss.events.map(({ policy, type }) => [policy, type]),
    [['cache', 'miss']],
  );
  assert.equal(miss.attempts.length, 1);
  assert.deepEqual(
    hit.events.map(({ policy, type, detail }) => [policy, type, detail]),
    [['cache', 'hit', { age: 0 }]],
  );
  assert.equal(hit.attempts.length, 0);
  assert.equal(hit.status, 200);
  assert.deepEqual(
    trace.summary().perRequest.map((request) => request.cache),
    ['miss', 'hit'],
  );
  assert.match(trace.waterfall(), />200 hit</);
});

test('an open circuit behind the cache is covered by a stale response', async (t) => {
  const breaker = new CircuitBreaker({ trip: { consecutiveFailures: 1 }, openFor: 600_000 });
  const { session, advance, seen } = await setup(
    t,
    (_, n) =>
      n === 1 ? { headers: { 'cache-control': 'max-age=10' }, body: 'good' } : { status: 503 },
    { staleIfError: 600_000 },
    {},
    [breaker],
  );
  await session.get('/');
  advance(30_000);
  assert.equal(cacheOutcome(await session.get('/')), 'stale'); // the 503 opens the circuit
  const trace = new Trace();
  const covered = await trace.run(() => session.get('/'));
  assert.deepEqual([covered.text, cacheOutcome(covered)], ['good', 'stale']);
  assert.equal(seen.length, 2);
  const event = trace.requests[0]?.events.find((record) => record.policy === 'cache');
  assert.deepEqual(event?.detail, { age: 30, cause: 'FANOUT_CIRCUIT_OPEN' });
});

test('a cancelled call gets no stale response', { timeout: 10_000 }, async (t) => {
  const arrived = deferred();
  const { session, advance } = await setup(
    t,
    (_, n) => {
      if (n === 1) return { headers: { 'cache-control': 'max-age=10' } };
      arrived.resolve();
      return 'hang';
    },
    { staleIfError: 600_000 },
  );
  await session.get('/');
  advance(30_000);
  const controller = new AbortController();
  const call = session.get('/', { signal: controller.signal });
  await arrived.promise;
  controller.abort();
  await assert.rejects(call, CancelledError);
});
