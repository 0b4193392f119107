import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  BodyTooLargeError,
  type Hooks,
  type RequestOptions,
  type SessionOptions,
  TimeoutError,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { deepFreeze, type Echo, echo, openSession } from './fixtures.ts';

test('request headers override session headers case-insensitively', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, {
    baseURL: server.origin,
    headers: { 'X-Token': 'session', 'X-Keep': 'kept' },
  });
  const response = await session.get('/', { headers: { 'x-TOKEN': 'request' } });
  const seen = response.json<Echo>();
  assert.equal(seen.headers['x-token'], 'request');
  assert.equal(seen.headers['x-keep'], 'kept');
  assert.equal(response.request.headers['x-token'], 'request');
  assert.equal(
    Object.keys(response.request.headers).filter((name) => name.toLowerCase() === 'x-token').length,
    1,
  );
});

test('a header set to null removes the session header (and a default one)', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin, headers: { 'X-Drop': 'x' } });
  const seen = (
    await session.get('/', { headers: { 'x-drop': null, 'User-Agent': null } })
  ).json<Echo>();
  assert.equal(seen.headers['x-drop'], undefined);
  assert.equal(seen.headers['user-agent'], undefined);
  const again = (await session.get('/')).json<Echo>();
  assert.equal(again.headers['x-drop'], 'x', 'the session header is still there');
});

test('headers may be a Headers object; arrays are joined', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin, headers: { 'x-a': ['1', '2'] } });
  const seen = (await session.get('/', { headers: new Headers({ 'X-B': 'b' }) })).json<Echo>();
  assert.equal(seen.headers['x-a'], '1, 2');
  assert.equal(seen.headers['x-b'], 'b');
});

test('request params override session params key by key; null removes one', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, {
    baseURL: server.origin,
    params: { a: 1, b: ['1', '2'], gone: 'x' },
  });
  const seen = (
    await session.get('/p?q=0', { params: { b: 3, c: [4, 5], gone: null } })
  ).json<Echo>();
  assert.equal(seen.url, '/p?q=0&a=1&b=3&c=4&c=5');
  assert.equal((await session.get('/p')).json<Echo>().url, '/p?a=1&b=1&b=2&gone=x');
});

test('session hooks run before request hooks', async (t) => {
  const server = await startServer(t, echo);
  const order: string[] = [];
  const session = openSession(t, {
    baseURL: server.origin,
    hooks: {
      beforeRequest: [() => void order.push('session request')],
      afterResponse: [() => void order.push('session response')],
    },
  });
  await session.get('/', {
    hooks: {
      beforeRequest: [() => void order.push('call request')],
      afterResponse: [() => void order.push('call response')],
    },
  });
  assert.deepEqual(order, ['session request', 'call request', 'session response', 'call response']);
});

test('per-request auth and cookies override the session ones', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, {
    baseURL: server.origin,
    auth: { username: 'u', password: 'p' },
    cookies: { a: '1', b: '2' },
  });
  const plain = (await session.get('/')).json<Echo>();
  assert.equal(plain.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  assert.equal(plain.headers.cookie, 'a=1; b=2');
  const bearer = (
    await session.get('/', { auth: { bearer: 't0k' }, cookies: { b: '3' } })
  ).json<Echo>();
  assert.equal(bearer.headers.authorization, 'Bearer t0k');
  assert.equal(bearer.headers.cookie, 'a=1; b=3');
  const none = (await session.get('/', { auth: null })).json<Echo>();
  assert.equal(none.headers.authorization, undefined);
});

test('per-request timeout overrides the session timeout', { timeout: 10_000 }, async (t) => {
  const release = deferred();
  const held = deferred();
  const server = await startServer(t, async (request, response) => {
    if (request.url === '/held') {
      held.resolve();
      await release.promise;
    }
    if (request.url === '/stall') return; // never answers
    response.end('done');
  });
  const session = openSession(t, { baseURL: server.origin, timeout: { headers: 150 } });
  const patient = session.get('/held', { timeout: { headers: false } });
  await held.promise;
  // A request with the session timeout, started after `patient` reached the server, times out…
  await assert.rejects(session.get('/stall', { retry: false }), { name: 'TimeoutError' });
  // …while `patient` is still waiting, and gets its answer.
  release.resolve();
  assert.equal((await patient).text, 'done');
});

test('per-request retry and redirect override the session ones', async (t) => {
  let hits = 0;
  const server = await startServer(t, (request, response) => {
    if (request.url === '/flaky') {
      hits++;
      response.writeHead(hits === 1 ? 503 : 200).end();
    } else if (request.url === '/moved') {
      response.writeHead(302, { location: '/flaky' }).end();
    }
  });
  const session = openSession(t, { baseURL: server.origin, retry: false, redirect: false });
  assert.equal((await session.get('/flaky')).status, 503);
  hits = 0;
  assert.equal((await session.get('/flaky', { retry: { limit: 1, baseDelay: 1 } })).status, 200);
  assert.equal(hits, 2);
  assert.equal((await session.get('/moved')).status, 302);
  hits = 1;
  assert.equal((await session.get('/moved', { redirect: true })).status, 200);
});

test('per-request maxBodySize and decompress override the session ones', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('x'.repeat(100)));
  });
  const session = openSession(t, { baseURL: server.origin, maxBodySize: 10, decompress: false });
  await assert.rejects(session.get('/'), BodyTooLargeError);
  const raw = await session.get('/', { maxBodySize: 1000 });
  assert.equal(raw.content[0], 0x1f, 'still gzip bytes');
  const decoded = await session.get('/', { maxBodySize: 1000, decompress: true });
  assert.equal(decoded.text, 'x'.repeat(100));
});

test('a URL object bypasses the session baseURL', async (t) => {
  const server = await startServer(t, echo);
  const other = await startServer(t, echo, '127.0.0.2');
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get(new URL('/elsewhere', other.origin));
  assert.equal(response.url, `${other.origin}/elsewhere`);
});

test('caller objects are never mutated (deep-frozen inputs)', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url?.startsWith('/moved')) {
      response.writeHead(307, { location: '/final' }).end();
    } else {
      void echo(request, response);
    }
  });
  const hooks: Partial<Hooks> = {
    beforeRequest: [
      ({ request }) => {
        request.headers['x-hooked'] = 'yes';
      },
    ],
  };
  const sessionOptions: SessionOptions = deepFreeze({
    baseURL: server.origin,
    headers: { 'X-Session': 's', 'x-drop': 'd' },
    params: { a: ['1', '2'] },
    cookies: { c: '1' },
    auth: { username: 'u', password: 'p' },
    timeout: { total: 5_000, headers: 5_000 },
    retry: { limit: 1, methods: ['GET', 'POST'], statusCodes: [503] },
    redirect: { max: 3 },
    hooks,
  });
  const snapshot = structuredClone({ ...sessionOptions, hooks: undefined });
  const session = openSession(t, sessionOptions);
  const requestOptions: RequestOptions = deepFreeze({
    headers: { 'x-drop': null, 'X-Call': 'c' },
    params: new URLSearchParams({ b: '2' }),
    json: { nested: { list: [1, 2] } },
    cookies: { d: '2' },
    hooks: {
      beforeRequest: [
        ({ request }) => {
          request.headers['x-call-hook'] = '1';
        },
      ],
    },
    timeout: { body: 5_000 },
    retry: { limit: 2 },
  });
  const response = await session.post('/moved', requestOptions);
  const seen = response.json<Echo>();
  assert.equal(seen.url, '/final');
  assert.equal(seen.headers['x-hooked'], 'yes');
  assert.equal(seen.headers['x-call-hook'], '1');
  assert.equal(seen.headers['x-drop'], undefined);
  assert.deepEqual(JSON.parse(seen.body), { nested: { list: [1, 2] } });
  assert.deepEqual(structuredClone({ ...sessionOptions, hooks: undefined }), snapshot);
  assert.equal(hooks.beforeRequest?.length, 1);
  assert.equal(requestOptions.hooks?.beforeRequest?.length, 1);
  // The session's own state is unchanged by the call's options.
  const plain = (await session.get('/')).json<Echo>();
  assert.equal(plain.headers['x-drop'], 'd');
  assert.equal(plain.headers['x-call'], undefined);
  assert.equal(plain.url, '/?a=1&a=2');
});

test('a timeout given to the session applies to its requests', async (t) => {
  const server = await startServer(t, () => {});
  const session = openSession(t, { baseURL: server.origin, timeout: 200, retry: false });
  const error = await session.get('/').catch((e: unknown) => e);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.phase, 'total');
  assert.equal(error.timeout, 200);
});
