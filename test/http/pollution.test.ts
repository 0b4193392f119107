import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  ConnectionError,
  HTTPError,
  InvalidOptionError,
  InvalidURLError,
  Session,
  type SessionOptions,
  TimeoutError,
} from '../../src/index.ts';
import { withPolluted } from '../helpers/pollution.ts';
import { startServer } from '../helpers/server.ts';
import { type KeyPair, selfSigned, startHTTPS } from '../helpers/tls.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

// Every test here pollutes Object.prototype for the time of one exchange: this file runs serially.

let pair: KeyPair;
before(() => {
  [pair] = selfSigned('/CN=localhost') as [KeyPair];
});

test('a polluted baseURL is not the session base: a relative URL fails as without it', async (t) => {
  let elsewhere = 0;
  const other = await startServer(t, (_request, response) => {
    elsewhere++;
    response.end();
  });
  const error = await withPolluted(t, { baseURL: other.origin }, async () => {
    const session = openSession(t, {});
    return session.get('/x').catch((e: unknown) => e);
  });
  assert.ok(error instanceof InvalidURLError, String(error));
  assert.equal(elsewhere, 0);
});

test('polluted session keys put nothing on the wire: headers, auth, cookies, params', async (t) => {
  const server = await startServer(t, echo);
  const seen = await withPolluted(
    t,
    {
      headers: { 'x-evil': '1' },
      auth: { bearer: 'evil' },
      cookies: { sid: 'evil' },
      params: { evil: '1' },
    },
    async () => {
      const session = openSession(t, { baseURL: server.origin });
      const first = (await session.get('/a')).json<Echo>();
      const second = (await session.get('/b', { headers: { 'x-mine': '1' } })).json<Echo>();
      return [first, second];
    },
  );
  for (const echoed of seen) {
    assert.equal(echoed.headers['x-evil'], undefined);
    assert.equal(echoed.headers.authorization, undefined);
    assert.equal(echoed.headers.cookie, undefined);
    assert.doesNotMatch(echoed.url, /evil/);
  }
  assert.equal(seen[1]?.headers['x-mine'], '1');
});

test('a key polluted into the headers, params and cookies records is not sent', async (t) => {
  const server = await startServer(t, echo);
  const seen = await withPolluted(t, { 'x-evil': 'evil' }, async () => {
    const session = openSession(t, {
      baseURL: server.origin,
      headers: { 'x-app': '1' },
      params: { a: '1' },
      cookies: { b: '2' },
    });
    const options = { headers: { 'x-req': '1' }, params: { c: '3' }, cookies: { d: '4' } };
    return (await session.get('/r', options)).json<Echo>();
  });
  assert.equal(seen.url, '/r?a=1&c=3');
  assert.equal(seen.headers['x-evil'], undefined);
  assert.equal(seen.headers.cookie, 'b=2; d=4');
});

// (`signal` is left out of the wire tests: Node's own streams read an inherited `signal`, the test
// server's among them; the executor tests show fanout ignores it.)
test('polluted per-request keys are no options: deadline, stream, json, headers', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const response = await withPolluted(
    t,
    {
      deadline: 0,
      stream: true,
      json: { evil: 1 },
      headers: { 'x-evil': '1' },
      redirect: false,
    },
    () => session.post('/p', {}),
  );
  const seen = response.json<Echo>();
  assert.equal(seen.body, '');
  assert.equal(seen.headers['x-evil'], undefined);
  assert.equal(seen.headers['content-type'], undefined);
});

test('polluted retry, maxBodySize and hooks do not change the session', async (t) => {
  let calls = 0;
  const server = await startServer(t, (_request, response) => {
    calls++;
    response.statusCode = calls === 1 ? 503 : 200;
    response.end('a body longer than one byte');
  });
  let hooked = 0;
  const response = await withPolluted(
    t,
    {
      retry: false,
      maxBodySize: 1,
      hooks: { beforeRequest: [() => hooked++] },
      connections: 0,
    },
    async () => {
      const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 0 } });
      return session.get('/');
    },
  );
  assert.equal(response.status, 200, 'retried once as without pollution');
  assert.equal(response.text, 'a body longer than one byte');
  assert.equal(hooked, 0);
  assert.equal(calls, 2);
});

test('polluted keys with invalid values are not validated: they are not options', async (t) => {
  const invalid = {
    timeout: 'soon',
    retry: 'often',
    redirect: { max: -1 },
    auth: 5,
    hooks: { beforeRequest: 'x' },
    maxBodySize: -1,
    decompress: 'no',
    connections: 0,
    keepAliveTimeout: 0,
    pipelining: 0,
    http2: 'yes',
    http2Sessions: 0,
    cookieJar: 'jar',
    telemetry: 'on',
    coalesce: 'yes',
    allowAbsoluteURLs: 'yes',
    policies: 'all',
    baseURL: 'ftp://x',
  };
  for (const [key, value] of Object.entries(invalid)) {
    await withPolluted(t, { [key]: value }, async () => {
      const session = new Session({});
      await session.close();
    });
  }
});

test('polluted rejectUnauthorized and ca do not make an untrusted certificate trusted', async (t) => {
  const https = await startHTTPS(t, pair, echo);
  for (const entries of [{ rejectUnauthorized: false }, { ca: pair.cert }]) {
    const error = await withPolluted(t, entries, async () => {
      const session = openSession(t, { baseURL: https.origin, retry: false });
      const perRequest = await session.get('/', {}).catch((e: unknown) => e);
      assert.ok(perRequest instanceof ConnectionError, String(perRequest));
      return session.get('/').catch((e: unknown) => e);
    });
    assert.ok(error instanceof ConnectionError, `${Object.keys(entries)[0]}: ${String(error)}`);
  }
});

test('a polluted proxy is not used', async (t) => {
  let proxied = 0;
  const proxy = await startServer(t, (_request, response) => {
    proxied++;
    response.end();
  });
  const server = await startServer(t, echo);
  const response = await withPolluted(t, { proxy: proxy.origin }, () =>
    openSession(t, { baseURL: server.origin }).get('/direct'),
  );
  assert.equal(response.json<Echo>().url, '/direct');
  assert.equal(proxied, 0);
});

test('options without Object.prototype, or a class instance, are read as given', async (t) => {
  const server = await startServer(t, echo);
  const bare = Object.assign(Object.create(null) as SessionOptions, {
    baseURL: server.origin,
    headers: Object.assign(Object.create(null), { 'x-bare': '1' }),
  });
  class Options {
    baseURL = server.origin;
    headers = { 'x-class': '1' };
  }
  const a = (await openSession(t, bare).get('/')).json<Echo>();
  const b = (await openSession(t, new Options()).get('/')).json<Echo>();
  assert.equal(a.headers['x-bare'], '1');
  assert.equal(b.headers['x-class'], '1');
});

test('an own getter is read once; one that throws fails the constructor with InvalidOptionError', async (t) => {
  const server = await startServer(t, echo);
  let reads = 0;
  const counted = {
    get baseURL() {
      reads++;
      return server.origin;
    },
  };
  assert.equal((await openSession(t, counted).get('/')).status, 200);
  assert.equal(reads, 1);
  const throwing = {
    get timeout(): number {
      throw new Error('boom');
    },
  };
  assert.throws(
    () => new Session(throwing),
    (error: unknown) =>
      error instanceof InvalidOptionError &&
      /`timeout`/.test(error.message) &&
      (error.cause as Error).message === 'boom',
  );
});

test('a request that merges options ignores polluted maxBodySize, decompress and retry', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const response = await withPolluted(t, { maxBodySize: 1, decompress: 'no', retry: -1 }, () =>
    session.get('/q', { headers: { 'x-a': '1' } }),
  );
  assert.equal(response.json<Echo>().headers['x-a'], '1');
});

test('a polluted cause or request attaches to no fanout error', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.statusCode = 503;
    response.end();
  });
  const planted = {
    cause: new Error('planted'),
    request: { method: 'GET', url: 'http://planted/' },
  };
  const [fromResponse, built] = await withPolluted(t, planted, async () => {
    const session = openSession(t, {});
    const response = await session.get(`${server.origin}/x`, { retry: { limit: 0 } });
    const raised = (() => {
      try {
        response.raiseForStatus();
      } catch (error) {
        return error;
      }
    })();
    return [raised, new TimeoutError({ phase: 'result', timeout: 5 })];
  });
  assert.ok(fromResponse instanceof HTTPError, String(fromResponse));
  assert.equal(fromResponse.cause, undefined);
  assert.ok(built instanceof TimeoutError);
  assert.equal(built.cause, undefined);
  assert.equal(built.request, undefined);
  assert.equal(built.message.includes('planted'), false, built.message);
});
