import assert from 'node:assert/strict';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { InvalidRequestError, InvalidURLError, TooManyRedirectsError } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

/** A server that redirects `/from` with `status` to `/to` and echoes everything else. */
async function redirector(t: Parameters<typeof startServer>[0], status: number) {
  const bodies: string[] = [];
  const server = await startServer(t, async (request, response) => {
    if (request.url === '/from') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      bodies.push(Buffer.concat(chunks).toString());
      response.writeHead(status, { location: '/to?x=1' }).end();
    } else {
      await echo(request, response);
    }
  });
  return { server, bodies };
}

for (const status of [301, 302, 303, 307, 308]) {
  test(`GET follows ${status}`, async (t) => {
    const { server } = await redirector(t, status);
    const session = openSession(t, { baseURL: server.origin });
    const response = await session.get('/from');
    assert.equal(response.status, 200);
    assert.equal(response.url, `${server.origin}/to?x=1`);
    assert.equal(response.json<Echo>().method, 'GET');
    assert.deepEqual(
      response.history.map((r) => [r.status, r.url]),
      [[status, `${server.origin}/from`]],
    );
  });
}

for (const status of [301, 302]) {
  test(`POST on ${status} becomes GET without body`, async (t) => {
    const { server, bodies } = await redirector(t, status);
    const session = openSession(t, { baseURL: server.origin });
    const response = await session.post('/from', { json: { a: 1 } });
    const seen = response.json<Echo>();
    assert.deepEqual(bodies, ['{"a":1}']);
    assert.equal(seen.method, 'GET');
    assert.equal(seen.body, '');
    assert.equal(seen.headers['content-type'], undefined);
    assert.equal(seen.headers['content-length'], undefined);
    assert.equal(response.request.method, 'GET');
    assert.equal(response.history[0]?.request.method, 'POST');
  });
}

test('PUT on 301 keeps its method and body', async (t) => {
  const { server } = await redirector(t, 301);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (await session.put('/from', { body: 'put body' })).json<Echo>();
  assert.equal(seen.method, 'PUT');
  assert.equal(seen.body, 'put body');
});

test('303 turns any method into GET without body', async (t) => {
  const { server } = await redirector(t, 303);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (await session.put('/from', { form: { a: 1 } })).json<Echo>();
  assert.equal(seen.method, 'GET');
  assert.equal(seen.body, '');
  assert.equal(seen.headers['content-type'], undefined);
});

for (const status of [307, 308]) {
  test(`${status} keeps the method and replays the body`, async (t) => {
    const { server, bodies } = await redirector(t, status);
    const session = openSession(t, { baseURL: server.origin });
    const response = await session.post('/from', {
      body: new Blob(['blob body'], { type: 'text/plain' }),
    });
    const seen = response.json<Echo>();
    assert.equal(seen.method, 'POST');
    assert.equal(seen.body, 'blob body');
    assert.equal(seen.headers['content-type'], 'text/plain');
    assert.deepEqual(bodies, ['blob body']);
  });
}

test('a stream body cannot follow a 307: clear error', async (t) => {
  const { server, bodies } = await redirector(t, 307);
  const session = openSession(t, { baseURL: server.origin });
  const error = await session
    .post('/from', { body: Readable.from(['once']) })
    .catch((e: unknown) => e);
  assert.ok(error instanceof InvalidRequestError);
  assert.match(error.message, /stream/);
  assert.match(error.message, /307/);
  assert.deepEqual(bodies, ['once']);
});

test('history lists every hop, oldest first', async (t) => {
  const server = await startServer(t, (request, response) => {
    const n = Number(request.url?.slice(1));
    if (n < 3) response.writeHead(302, { location: `/${n + 1}` }).end(`hop ${n}`);
    else response.end('last');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/0');
  assert.equal(response.text, 'last');
  assert.deepEqual(
    response.history.map((r) => [r.status, r.url, r.text]),
    [
      [302, `${server.origin}/0`, 'hop 0'],
      [302, `${server.origin}/1`, 'hop 1'],
      [302, `${server.origin}/2`, 'hop 2'],
    ],
  );
  assert.deepEqual(response.history[0]?.history, []);
});

test('more than redirect.max (default 30) redirects → TooManyRedirectsError', async (t) => {
  let hits = 0;
  const server = await startServer(t, (request, response) => {
    hits++;
    response.writeHead(302, { location: `${request.url}x` }).end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const error = await session.get('/x').catch((e: unknown) => e);
  assert.ok(error instanceof TooManyRedirectsError);
  assert.equal(hits, 31, 'the first request and 30 redirects');
  assert.match(error.message, /30/);

  hits = 0;
  await assert.rejects(session.get('/x', { redirect: { max: 2 } }), TooManyRedirectsError);
  assert.equal(hits, 3);
});

test('redirect: false returns the 3xx as it is', async (t) => {
  const { server } = await redirector(t, 301);
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/from', { redirect: false });
  assert.equal(response.status, 301);
  assert.equal(response.headers.location, '/to?x=1');
  assert.deepEqual(response.history, []);
});

for (const location of ['file:///etc/passwd', 'javascript:alert(1)', 'ftp://127.0.0.1/x']) {
  test(`a redirect to ${location} is refused with InvalidURLError`, async (t) => {
    let hits = 0;
    const server = await startServer(t, (_request, response) => {
      hits++;
      response.writeHead(302, { location }).end();
    });
    const session = openSession(t, { baseURL: server.origin });
    await assert.rejects(session.get('/'), InvalidURLError);
    assert.equal(hits, 1);
  });
}

test('a Location in UTF-8 is read as UTF-8, as browsers and requests do (Latin-1 when it is not UTF-8)', async (t) => {
  const target = await startServer(t, echo);
  // Raw bytes: Node's own server writes header values as UTF-8 or Latin-1 depending on the body.
  const locations: Record<string, Buffer> = {
    '/utf8': Buffer.from('/to/ü?q=é', 'utf8'),
    '/latin1': Buffer.from('/to/ü', 'latin1'),
  };
  const redirector = createNetServer((socket) => {
    socket.once('data', (head) => {
      const path = head.toString('latin1').split(' ')[1] ?? '';
      const location = locations[path] ?? Buffer.from('/');
      socket.end(
        Buffer.concat([
          Buffer.from(`HTTP/1.1 302 Found\r\nconnection: close\r\nlocation: ${target.origin}`),
          location,
          Buffer.from('\r\ncontent-length: 0\r\n\r\n'),
        ]),
      );
    });
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => redirector.close(() => resolve())));
  const origin = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  const session = openSession(t, { baseURL: origin });
  assert.equal((await session.get('/utf8')).json<Echo>().url, '/to/%C3%BC?q=%C3%A9');
  assert.equal((await session.get('/latin1')).json<Echo>().url, '/to/%C3%BC');
});

test('on a change of origin, Authorization, Cookie and Proxy-Authorization are dropped', async (t) => {
  const other = await startServer(t, echo, '127.0.0.2');
  const home = await startServer(t, (request, response) => {
    if (request.url === '/same') response.writeHead(302, { location: '/go' }).end();
    else if (request.url === '/go')
      response.writeHead(302, { location: `${other.origin}/landed` }).end();
    else response.end();
  });
  const session = openSession(t, {
    baseURL: home.origin,
    auth: { username: 'user', password: 'secret' },
  });
  session.cookies?.set(`${home.origin}/`, 'home=1');
  session.cookies?.set(`${other.origin}/`, 'other=2');
  const signed: string[] = [];
  const response = await session.get('/same', {
    headers: { 'Proxy-Authorization': 'Basic cHJveHk6cA==', 'x-kept': 'yes' },
    cookies: { once: 'call' },
    hooks: { beforeRequest: [({ request }) => void signed.push(request.origin)] },
  });
  const seen = response.json<Echo>();
  assert.equal(seen.url, '/landed');
  assert.equal(seen.headers.authorization, undefined);
  assert.equal(seen.headers['proxy-authorization'], undefined);
  assert.equal(seen.headers.cookie, 'other=2', 'jar cookies re-derived for the new origin');
  assert.equal(seen.headers['x-kept'], 'yes');
  // The same-origin hop kept them.
  const sameHop = response.history[1]?.request.headers;
  assert.match(sameHop?.authorization ?? '', /^Basic /);
  assert.equal(sameHop?.cookie, 'home=1; once=call');
  assert.equal(sameHop?.['proxy-authorization'], 'Basic cHJveHk6cA==');
  assert.deepEqual(signed, [home.origin, home.origin, other.origin]);
});

test('an auth function does not sign requests to another origin', async (t) => {
  const other = await startServer(t, echo, '127.0.0.2');
  const home = await startServer(t, (_request, response) => {
    response.writeHead(307, { location: `${other.origin}/` }).end();
  });
  const session = openSession(t);
  const origins: string[] = [];
  const response = await session.get(`${home.origin}/`, {
    auth: ({ request }) => {
      origins.push(request.origin);
      request.headers.authorization = 'Signed x';
    },
  });
  assert.deepEqual(origins, [home.origin]);
  assert.equal(response.json<Echo>().headers.authorization, undefined);
});

test('a redirect loop ends with TooManyRedirectsError', async (t) => {
  const server = await startServer(t, (request, response) => {
    response.writeHead(302, { location: request.url === '/a' ? '/b' : '/a' }).end();
  });
  const session = openSession(t, { baseURL: server.origin, redirect: { max: 5 } });
  const error = await session.get('/a').catch((e: unknown) => e);
  assert.ok(error instanceof TooManyRedirectsError);
  assert.match(error.message, /GET http:\/\/127\.0\.0\.1:\d+\/[ab]/);
});
