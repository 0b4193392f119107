import assert from 'node:assert/strict';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { test } from 'node:test';
import { startH1TLS, startH2C, startH2TLS } from '../../helpers/h2.ts';
import { readBody } from '../../helpers/server.ts';
import { openSession } from '../fixtures.ts';

// What an origin saw of a request, sent back as JSON: its protocol, method, path, cookie and body.
async function echo(request: Http2ServerRequest, response: Http2ServerResponse): Promise<void> {
  const body = await readBody(request as never);
  response.setHeader('content-type', 'application/json');
  response.end(
    JSON.stringify({
      httpVersion: request.httpVersion,
      method: request.method,
      path: request.url,
      cookie: request.headers.cookie,
      contentLength: request.headers['content-length'],
      body,
    }),
  );
}

test('cookies set by an h2 response are sent on the next h2 request', async (t) => {
  const server = await startH2C(t, async (request, response) => {
    if (request.url === '/login') {
      response.setHeader('set-cookie', ['sid=abc; Path=/', 'theme=dark; Path=/']);
      response.end();
      return;
    }
    await echo(request, response);
  });
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  await session.get('/login');
  const seen = (await session.get('/me')).json() as { cookie: string; httpVersion: string };
  assert.equal(seen.httpVersion, '2.0');
  assert.equal(seen.cookie, 'sid=abc; theme=dark');
  assert.equal(server.sessions, 1);
});

test('redirects h2 → h2 follow on the same session, with the cookie the redirect set', async (t) => {
  const server = await startH2C(t, async (request, response) => {
    if (request.url === '/start') {
      response.writeHead(302, { location: '/middle', 'set-cookie': 'hop=1; Path=/' }).end();
      return;
    }
    if (request.url === '/middle') {
      response.writeHead(307, { location: '/end' }).end();
      return;
    }
    await echo(request, response);
  });
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  const response = await session.get('/start');
  assert.equal(response.url, `${server.origin}/end`);
  assert.equal(response.history.length, 2);
  assert.deepEqual(
    response.history.map((hop) => hop.status),
    [302, 307],
  );
  const seen = response.json() as { path: string; cookie: string; httpVersion: string };
  assert.equal(seen.path, '/end');
  assert.equal(seen.cookie, 'hop=1');
  assert.equal(seen.httpVersion, '2.0');
  assert.equal(server.sessions, 1);
  assert.equal(server.connections, 1);
});

test('303 on h2 turns a POST into a GET without its body; 307 keeps both', async (t) => {
  const server = await startH2C(t, async (request, response) => {
    if (request.url === '/form') {
      await readBody(request as never);
      response.writeHead(303, { location: '/done' }).end();
      return;
    }
    if (request.url === '/keep') {
      await readBody(request as never);
      response.writeHead(307, { location: '/kept' }).end();
      return;
    }
    await echo(request, response);
  });
  const session = openSession(t, { baseURL: server.origin, http2: 'prior-knowledge' });
  const seen = (await session.post('/form', { body: 'name=x' })).json() as Record<string, unknown>;
  assert.deepEqual(
    { method: seen.method, path: seen.path, body: seen.body, length: seen.contentLength },
    { method: 'GET', path: '/done', body: '', length: undefined },
  );
  const kept = (await session.post('/keep', { body: 'name=x' })).json() as Record<string, unknown>;
  assert.deepEqual(
    { method: kept.method, path: kept.path, body: kept.body },
    { method: 'POST', path: '/kept', body: 'name=x' },
  );
  assert.equal(server.sessions, 1);
});

test('http2: true follows a redirect from an h2 TLS origin to an HTTP/1.1-only TLS origin', async (t) => {
  const h1 = await startH1TLS(t, async (request, response) => {
    const body = await readBody(request);
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        httpVersion: request.httpVersion,
        path: request.url,
        method: request.method,
        body,
      }),
    );
  });
  const h2 = await startH2TLS(t, async (request, response) => {
    if (request.url === '/to-h1') {
      response.writeHead(302, { location: `${h1.origin}/landed` }).end();
      return;
    }
    if (request.url === '/post-to-h1') {
      await readBody(request as never);
      response.writeHead(303, { location: `${h1.origin}/after-post` }).end();
      return;
    }
    await echo(request, response);
  });
  const session = openSession(t, { http2: true, ca: h2.ca });
  // The h2 origin is spoken to over HTTP/2 first.
  assert.equal(
    ((await session.get(`${h2.origin}/hello`)).json() as { httpVersion: string }).httpVersion,
    '2.0',
  );
  const response = await session.get(`${h2.origin}/to-h1`);
  assert.equal(response.url, `${h1.origin}/landed`);
  assert.deepEqual(response.json(), {
    httpVersion: '1.1',
    path: '/landed',
    method: 'GET',
    body: '',
  });
  const posted = await session.post(`${h2.origin}/post-to-h1`, { body: 'x' });
  assert.deepEqual(posted.json(), {
    httpVersion: '1.1',
    path: '/after-post',
    method: 'GET',
    body: '',
  });
  // And back: the h2 origin is still spoken to over its one HTTP/2 session.
  assert.equal(
    ((await session.get(`${h2.origin}/again`)).json() as { httpVersion: string }).httpVersion,
    '2.0',
  );
  assert.equal(h2.sessions, 1);
  assert.equal(h2.connections, 1);
  assert.equal(h1.sessions, 0);
});
