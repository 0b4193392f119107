import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../helpers/server.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

test('request(method, url, options) sends any method with its options', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t);
  const response = await session.request('report', `${server.origin}/r`, {
    headers: { 'x-a': '1' },
    body: 'payload',
  });
  const seen = response.json<Echo>();
  assert.equal(seen.method, 'REPORT');
  assert.equal(seen.url, '/r');
  assert.equal(seen.headers['x-a'], '1');
  assert.equal(seen.body, 'payload');
});

for (const verb of ['get', 'options', 'delete'] as const) {
  test(`${verb}() sends ${verb.toUpperCase()}`, async (t) => {
    const server = await startServer(t, echo);
    const session = openSession(t, { baseURL: server.origin });
    const response = await session[verb]('/v');
    assert.equal(response.status, 200);
    assert.equal(response.json<Echo>().method, verb.toUpperCase());
    assert.equal(response.json<Echo>().url, '/v');
  });
}

for (const verb of ['post', 'put', 'patch'] as const) {
  test(`${verb}() sends ${verb.toUpperCase()} with its body`, async (t) => {
    const server = await startServer(t, echo);
    const session = openSession(t, { baseURL: server.origin });
    const response = await session[verb]('/v', { json: { verb } });
    const seen = response.json<Echo>();
    assert.equal(seen.method, verb.toUpperCase());
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen.body), { verb });
  });
}

test('delete() may carry a body', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.delete('/v', { form: { id: 7 } });
  assert.equal(response.json<Echo>().body, 'id=7');
});

test('head() sends HEAD and gets headers without a body', async (t) => {
  const server = await startServer(t, (request, response) => {
    response.setHeader('x-method', request.method ?? '');
    response.setHeader('content-length', '5');
    response.end(request.method === 'HEAD' ? undefined : 'hello');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.head('/h');
  assert.equal(response.status, 200);
  assert.equal(response.headers['x-method'], 'HEAD');
  assert.equal(response.headers['content-length'], '5');
  assert.equal(response.content.length, 0);
});

test('head() does not follow redirects by default, but does when asked', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/from') {
      response.writeHead(302, { location: '/to' }).end();
    } else {
      response.writeHead(200, { 'x-final': 'yes' }).end();
    }
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.head('/from');
  assert.equal(response.status, 302);
  assert.equal(response.headers.location, '/to');
  assert.equal(response.history.length, 0);

  const followed = await session.head('/from', { redirect: true });
  assert.equal(followed.status, 200);
  assert.equal(followed.headers['x-final'], 'yes');
  assert.equal(followed.url, `${server.origin}/to`);
  assert.equal(followed.request.method, 'HEAD');

  const get = await session.get('/from');
  assert.equal(get.status, 200, 'GET follows by default');
});

test('default headers: user-agent, accept and accept-encoding', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t);
  const seen = (await session.get(`${server.origin}/`)).json<Echo>();
  assert.match(String(seen.headers['user-agent']), /^fanout\//);
  assert.equal(seen.headers.accept, '*/*');
  assert.equal(seen.headers['accept-encoding'], 'gzip, deflate, br');
});

test('a URL object is accepted without a baseURL', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t);
  const response = await session.get(new URL('/u?x=1', server.origin));
  assert.equal(response.json<Echo>().url, '/u?x=1');
});

test('baseURL with a path prefix joins the request path below it', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: `${server.origin}/api/` });
  assert.equal((await session.get('/users')).json<Echo>().url, '/api/users');
  assert.equal((await session.get('users')).json<Echo>().url, '/api/users');
  assert.equal((await session.get('/a b')).json<Echo>().url, '/api/a%20b');
});

test('an empty path or a bare query joins the base root', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  assert.equal((await session.get('')).json<Echo>().url, '/');
  assert.equal((await session.get('?q=1')).json<Echo>().url, '/?q=1');
});

test('a path that needs encoding stays a path: tabs, backslashes and slashes never make it a host', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  // WHATWG URL drops tabs and reads `\\` as `//` in http(s) URLs: joined as a relative reference,
  // these would turn `evil.example` into an authority and send only `/x`.
  assert.equal((await session.get('\t//evil.example/x')).json<Echo>().url, '///evil.example/x');
  assert.equal((await session.get('/\\evil.example/x y')).json<Echo>().url, '//evil.example/x%20y');
  const prefixed = openSession(t, { baseURL: `${server.origin}/api` });
  assert.equal(
    (await prefixed.get('/\\evil.example/x y')).json<Echo>().url,
    '/api//evil.example/x%20y',
  );
});
