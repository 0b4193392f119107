import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ConnectionError, FuturesSession, Trace } from '../../src/index.ts';
import type { Har, HarEntry } from '../../src/trace/har.ts';
import { startH2C } from '../helpers/h2.ts';
import { startServer } from '../helpers/server.ts';
import { type KeyPair, selfSigned, startHTTPS } from '../helpers/tls.ts';

/** A FuturesSession closed when `t` ends. */
function openFutures(t: TestContext, options: ConstructorParameters<typeof FuturesSession>[0]) {
  const session = new FuturesSession(options);
  t.after(() => session.close());
  return session;
}

// ---- A small HAR 1.2 validator (http://www.softwareishard.com/blog/har-12-spec/) ----

type Shape = Record<string, 'string' | 'number' | 'array' | 'object'>;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks that `value` has exactly the `required` fields (plus `optional`, `comment`, `_custom`). */
function checkObject(where: string, value: unknown, required: Shape, optional: Shape = {}): void {
  assert.ok(
    typeof value === 'object' && value !== null && !Array.isArray(value),
    `${where}: object`,
  );
  const record = value as Record<string, unknown>;
  for (const name of Object.keys(required)) {
    assert.ok(name in record, `${where}.${name} is required`);
  }
  for (const [name, field] of Object.entries(record)) {
    if (name.startsWith('_')) continue; // custom fields are allowed
    const type = required[name] ?? optional[name] ?? (name === 'comment' ? 'string' : undefined);
    assert.ok(type !== undefined, `${where}.${name} is not a HAR field`);
    if (type === 'array') assert.ok(Array.isArray(field), `${where}.${name}: array`);
    else if (type === 'object') assert.equal(typeof field, 'object', `${where}.${name}: object`);
    else assert.equal(typeof field, type, `${where}.${name}: ${type}`);
    if (type === 'number') assert.ok(Number.isFinite(field), `${where}.${name}: finite`);
  }
}

function checkNameValues(where: string, list: unknown): void {
  assert.ok(Array.isArray(list), `${where}: array`);
  list.forEach((item, index) => {
    checkObject(`${where}[${index}]`, item, { name: 'string', value: 'string' });
  });
}

function checkTimings(where: string, timings: HarEntry['timings'], time: number): void {
  checkObject(
    where,
    timings,
    { send: 'number', wait: 'number', receive: 'number' },
    { blocked: 'number', dns: 'number', connect: 'number', ssl: 'number' },
  );
  for (const phase of ['send', 'wait', 'receive'] as const) {
    assert.ok(timings[phase] >= 0, `${where}.${phase} >= 0`);
  }
  for (const phase of ['blocked', 'dns', 'connect', 'ssl'] as const) {
    const ms = timings[phase];
    assert.ok(ms === -1 || ms >= 0, `${where}.${phase} is -1 or >= 0, got ${ms}`);
  }
  if (timings.ssl >= 0)
    assert.ok(timings.connect >= timings.ssl, `${where}: ssl is within connect`);
  // `time` is the sum of the phases; ssl is already inside connect (HAR 1.2), so it is left out.
  const sum = Object.entries(timings)
    .filter(([name, ms]) => name !== 'comment' && name !== 'ssl' && (ms as number) > 0)
    .reduce((total, [, ms]) => total + (ms as number), 0);
  assert.ok(Math.abs(time - sum) < 0.01, `${where}: time ${time} is the sum ${sum}`);
}

/** Fails unless `har` follows the HAR 1.2 field rules; entries in start order. */
function validateHAR(har: unknown): asserts har is Har {
  checkObject('har', har, { log: 'object' });
  const log = (har as Har).log;
  checkObject(
    'log',
    log,
    { version: 'string', creator: 'object', entries: 'array' },
    { pages: 'array', browser: 'object' },
  );
  assert.equal(log.version, '1.2');
  checkObject('log.creator', log.creator, { name: 'string', version: 'string' });
  const pageIds = new Set<string>();
  log.pages.forEach((page, index) => {
    const where = `log.pages[${index}]`;
    checkObject(where, page, {
      startedDateTime: 'string',
      id: 'string',
      title: 'string',
      pageTimings: 'object',
    });
    assert.match(page.startedDateTime, ISO_8601, `${where}.startedDateTime`);
    checkObject(
      `${where}.pageTimings`,
      page.pageTimings,
      {},
      { onContentLoad: 'number', onLoad: 'number' },
    );
    assert.ok(!pageIds.has(page.id), `${where}.id is unique`);
    pageIds.add(page.id);
  });
  let previous = '';
  log.entries.forEach((entry, index) => {
    const where = `log.entries[${index}]`;
    checkObject(
      where,
      entry,
      {
        startedDateTime: 'string',
        time: 'number',
        request: 'object',
        response: 'object',
        cache: 'object',
        timings: 'object',
      },
      { pageref: 'string', serverIPAddress: 'string', connection: 'string' },
    );
    assert.ok(pageIds.has(entry.pageref), `${where}.pageref names a page`);
    assert.match(entry.startedDateTime, ISO_8601, `${where}.startedDateTime`);
    assert.ok(!Number.isNaN(Date.parse(entry.startedDateTime)));
    assert.ok(entry.startedDateTime >= previous, `${where} is in start order`);
    previous = entry.startedDateTime;
    assert.ok(entry.time >= 0);
    const { request, response } = entry;
    checkObject(
      `${where}.request`,
      request,
      {
        method: 'string',
        url: 'string',
        httpVersion: 'string',
        cookies: 'array',
        headers: 'array',
        queryString: 'array',
        headersSize: 'number',
        bodySize: 'number',
      },
      { postData: 'object' },
    );
    assert.doesNotThrow(() => new URL(request.url), `${where}.request.url is absolute`);
    checkNameValues(`${where}.request.headers`, request.headers);
    checkNameValues(`${where}.request.queryString`, request.queryString);
    checkObject(`${where}.response`, response, {
      status: 'number',
      statusText: 'string',
      httpVersion: 'string',
      cookies: 'array',
      headers: 'array',
      content: 'object',
      redirectURL: 'string',
      headersSize: 'number',
      bodySize: 'number',
    });
    checkNameValues(`${where}.response.headers`, response.headers);
    checkObject(
      `${where}.response.content`,
      response.content,
      { size: 'number', mimeType: 'string' },
      { compression: 'number', text: 'string', encoding: 'string' },
    );
    for (const size of [
      request.headersSize,
      request.bodySize,
      response.headersSize,
      response.bodySize,
    ]) {
      assert.ok(size === -1 || size >= 0, `${where}: sizes are -1 or >= 0`);
    }
    checkObject(
      `${where}.cache`,
      entry.cache,
      {},
      { beforeRequest: 'object', afterRequest: 'object' },
    );
    checkTimings(`${where}.timings`, entry.timings, entry.time);
  });
}

// ---- The traced run ----

test('a traced run gives a valid HAR 1.2: one entry per attempt, redirects and retries apart', async (t) => {
  let flaky = 0;
  const server = await startServer(t, (request, response) => {
    request.resume();
    const url = new URL(request.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/start':
        response.writeHead(302, { location: '/landing?from=start' }).end();
        break;
      case '/flaky':
        if (flaky++ === 0) response.writeHead(503, { 'retry-after': '0' }).end('busy');
        else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        break;
      case '/zipped': {
        const body = gzipSync('a'.repeat(1000));
        response
          .writeHead(200, {
            'content-type': 'text/plain; charset=utf-8',
            'content-encoding': 'gzip',
            'content-length': body.length,
          })
          .end(body);
        break;
      }
      case '/broken':
        request.socket.destroy();
        break;
      default:
        response.end('landed');
    }
  });
  const closed = await startServer(t, () => {});
  await closed.close(); // nothing listens on its port any more: connection refused
  const futures = openFutures(t, { baseURL: server.origin, retry: { limit: 1, baseDelay: 1 } });
  const trace = new Trace({ name: 'HAR page' });
  await trace.run(async () => {
    const start = futures.get('/start', { params: { q: 'a b' } });
    const flakyCall = futures.get('/flaky');
    const zipped = futures.get('/zipped');
    const broken = futures.get('/broken', { retry: false });
    const refused = futures.get(new URL(`${closed.origin}/nowhere`), { retry: false });
    assert.equal((await start).text, 'landed');
    assert.equal((await flakyCall).status, 200);
    assert.equal((await zipped).text.length, 1000);
    await assert.rejects(broken.result(), ConnectionError);
    await assert.rejects(refused.result(), ConnectionError);
  });
  trace.end();

  const har = trace.toHAR();
  validateHAR(har);
  assert.deepEqual(JSON.parse(JSON.stringify(har)), har, 'JSON round trip');
  const { log } = har;
  assert.deepEqual(log.creator.name, 'fanout');
  assert.match(log.creator.version, /^\d+\.\d+\.\d+/);
  assert.equal(log.pages.length, 1);
  assert.equal(log.pages[0]?.title, 'HAR page');
  assert.equal(log.pages[0]?.startedDateTime, trace.startedAt.toISOString());
  assert.equal(log.pages[0]?.pageTimings.onContentLoad, -1);
  assert.ok(Math.abs((log.pages[0]?.pageTimings.onLoad ?? 0) - trace.wallTime) < 0.01);

  // One entry per attempt, grouped back into calls by _requestId.
  const attempts = trace.requests.reduce((sum, record) => sum + record.attempts.length, 0);
  assert.equal(log.entries.length, attempts);
  assert.equal(attempts, 7);
  const byPath = (path: string) =>
    log.entries.filter((entry) => new URL(entry.request.url).pathname === path);

  const [redirect] = byPath('/start');
  const [landing] = byPath('/landing');
  assert.ok(redirect && landing);
  assert.equal(redirect._requestId, landing._requestId);
  assert.deepEqual([redirect._attempt, landing._attempt], [1, 2]);
  assert.equal(redirect.response.status, 302);
  assert.equal(redirect.response.redirectURL, `${server.origin}/landing?from=start`);
  assert.deepEqual(redirect.request.queryString, [{ name: 'q', value: 'a b' }]);
  assert.deepEqual(landing.request.queryString, [{ name: 'from', value: 'start' }]);
  assert.equal(landing.response.status, 200);
  assert.equal(landing.response.content.size, 6);
  assert.equal(landing.response.bodySize, 6);

  const flakyEntries = byPath('/flaky');
  assert.deepEqual(
    flakyEntries.map((entry) => [entry._attempt, entry.response.status, entry.response.statusText]),
    [
      [1, 503, 'Service Unavailable'],
      [2, 200, 'OK'],
    ],
  );
  assert.equal(flakyEntries[1]?.response.content.mimeType, 'application/json');
  assert.ok((flakyEntries[1]?.startedDateTime ?? '') >= (flakyEntries[0]?.startedDateTime ?? ''));

  const [zippedEntry] = byPath('/zipped');
  assert.equal(zippedEntry?.response.content.size, 1000);
  assert.equal(zippedEntry?.response.content.mimeType, 'text/plain; charset=utf-8');
  assert.equal(zippedEntry?.response.bodySize, gzipSync('a'.repeat(1000)).length, 'as received');

  for (const [path, hasSent] of [
    ['/broken', true],
    ['/nowhere', false],
  ] as const) {
    const [failed] = byPath(path);
    assert.ok(failed, path);
    assert.equal(failed.response.status, 0);
    assert.equal(failed.response.statusText, '');
    assert.equal(failed._error, 'FANOUT_CONNECTION');
    assert.equal(failed._outcome, 'error');
    assert.deepEqual(failed.response.headers, []);
    assert.equal(failed.timings.receive, 0);
    if (hasSent) assert.ok(failed.timings.wait >= 0);
    else assert.deepEqual([failed.timings.connect, failed.timings.wait], [-1, 0]);
  }

  // Each entry's time is its attempt's duration: the phases are contiguous.
  for (const record of trace.requests) {
    record.attempts.forEach((attempt, index) => {
      const entry = log.entries.find((e) => e._requestId === record.id && e._attempt === index + 1);
      assert.ok(entry && attempt.endedAt !== undefined);
      assert.ok(Math.abs(entry.time - (attempt.endedAt - attempt.startedAt)) < 0.01);
      assert.ok(Math.abs(entry._blocked - record.blocked) < 0.001);
      // HTTP/1.1, or no version for a request that never went out; no HTTP/2 session or stream.
      assert.equal(entry.request.httpVersion, attempt.sentAt === undefined ? '' : 'HTTP/1.1');
      assert.equal(entry.response.httpVersion, attempt.outcome === 'ok' ? 'HTTP/1.1' : '');
      assert.equal(entry.connection, undefined);
      assert.equal(entry._stream, undefined);
      assert.equal(entry._reused, attempt.reused);
      // A new connection has connect time; a reused one has -1.
      if (attempt.reused === true) assert.equal(entry.timings.connect, -1);
      if (attempt.reused === false) assert.ok(entry.timings.connect >= 0);
      assert.equal(entry.timings.dns, -1);
      assert.equal(entry.timings.ssl, -1);
    });
  }
  const ids = new Set(log.entries.map((entry) => entry._requestId));
  assert.deepEqual([...ids].sort(), trace.requests.map((record) => record.id).sort());
});

test('an empty trace is a valid HAR with a page and no entries', () => {
  const trace = new Trace({ name: 'idle' });
  trace.end();
  const har = trace.toHAR();
  validateHAR(har);
  assert.deepEqual(har.log.entries, []);
  assert.equal(har.log.pages[0]?.title, 'idle');
});

test('the validator rejects what HAR 1.2 forbids', async (t) => {
  const server = await startServer(t, (request, response) => {
    request.resume();
    response.end('ok');
  });
  const futures = openFutures(t, { baseURL: server.origin });
  const trace = new Trace();
  await trace.run(() => Promise.all([futures.get('/a'), futures.get('/b')]));
  const good = trace.toHAR();
  validateHAR(good);
  const broken: [string, (entry: HarEntry) => void][] = [
    [
      'negative wait',
      (entry) => {
        entry.timings.wait = -1;
      },
    ],
    [
      'blocked below -1',
      (entry) => {
        entry.timings.blocked = -2;
      },
    ],
    [
      'time not the sum',
      (entry) => {
        entry.time += 1;
      },
    ],
    [
      'date not ISO 8601',
      (entry) => {
        entry.startedDateTime = 'yesterday';
      },
    ],
    ['missing status', (entry) => void Reflect.deleteProperty(entry.response, 'status')],
    ['unknown field', (entry) => void Object.assign(entry, { extra: 1 })],
    [
      'unknown page',
      (entry) => {
        entry.pageref = 'nope';
      },
    ],
    [
      'out of order',
      (entry) => {
        entry.startedDateTime = '2999-01-01T00:00:00.000Z';
      },
    ],
  ];
  for (const [why, breakIt] of broken) {
    const har = structuredClone(good);
    const entry = har.log.entries[0] as HarEntry;
    breakIt(entry);
    assert.throws(() => validateHAR(har), assert.AssertionError, why);
  }
});

test('an HTTP/2 request is an HTTP/2.0 entry: its session as the connection, its stream, its reuse', async (t) => {
  const server = await startH2C(t, (_request, response) => {
    response.end('ok');
  });
  const session = openFutures(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  const trace = new Trace({ name: 'h2' });
  await trace.run(async () => {
    await session.get('/first');
    await session.get('/second');
  });
  trace.end();
  const har = trace.toHAR();
  validateHAR(har);
  const connection = String(trace.requests[0]?.attempts[0]?.connectionId);
  assert.match(connection, /^\d+$/);
  assert.deepEqual(
    har.log.entries.map((entry) => ({
      path: new URL(entry.request.url).pathname,
      versions: [entry.request.httpVersion, entry.response.httpVersion],
      connection: entry.connection,
      stream: entry._stream,
      reused: entry._reused,
    })),
    [
      {
        path: '/first',
        versions: ['HTTP/2.0', 'HTTP/2.0'],
        connection,
        stream: 1,
        reused: false,
      },
      {
        path: '/second',
        versions: ['HTTP/2.0', 'HTTP/2.0'],
        connection,
        stream: 3,
        reused: true,
      },
    ],
  );
});

test('an https request: the TLS handshake is its own phase, inside connect', async (t) => {
  const [pair] = selfSigned('/CN=localhost') as [KeyPair];
  const https = await startHTTPS(t, pair, (_request, response) => response.end('secure'));
  const session = new FuturesSession({ baseURL: https.origin, ca: pair.cert, telemetry: false });
  t.after(() => session.close());
  const trace = new Trace({ name: 'tls' });
  await trace.run(async () => {
    await session.get('/first');
    await session.get('/second');
  });
  trace.end();
  const attempts = trace.requests.map((record) => record.attempts[0]);
  const entries = trace.toHAR().log.entries;
  validateHAR(trace.toHAR());
  assert.equal(attempts[0]?.reused, false, 'the first request opens the connection');
  attempts.forEach((attempt, index) => {
    const ssl = entries[index]?.timings.ssl ?? Number.NaN;
    assert.ok(attempt !== undefined);
    if (attempt.reused) {
      assert.equal(attempt.tlsStart, undefined);
      assert.equal(ssl, -1, 'a reused socket has no handshake');
      return;
    }
    const { connectStart, tlsStart, connectEnd } = attempt;
    assert.ok(connectStart !== undefined && tlsStart !== undefined && connectEnd !== undefined);
    assert.ok(connectStart <= tlsStart && tlsStart <= connectEnd, 'TCP, then the handshake');
    assert.ok(ssl >= 0 && ssl <= (entries[index]?.timings.connect ?? -1), 'ssl is inside connect');
  });
});
