import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CookieJar, MemoryCookieStore } from 'tough-cookie';
import {
  Cookies,
  InvalidOptionError,
  InvalidRequestError,
  InvalidURLError,
  Session,
} from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

test('Set-Cookie is stored and sent back', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/login')
      response.setHeader('set-cookie', ['sid=abc; Path=/', 'theme=dark']);
    void echo(request, response);
  });
  const session = openSession(t, { baseURL: server.origin });
  const login = await session.get('/login');
  assert.deepEqual(login.headers['set-cookie'], ['sid=abc; Path=/', 'theme=dark']);
  assert.equal(login.json<Echo>().headers.cookie, undefined);
  const next = (await session.get('/next')).json<Echo>();
  assert.equal(next.headers.cookie, 'sid=abc; theme=dark');
  assert.deepEqual(session.cookies?.get(`${server.origin}/`), { sid: 'abc', theme: 'dark' });
});

test('cookies set by redirect responses are stored and sent on the next hop', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/a') {
      response.writeHead(302, { location: '/b', 'set-cookie': 'first=1; Path=/' }).end();
    } else if (request.url === '/b') {
      response.writeHead(303, { location: '/c', 'set-cookie': 'second=2; Path=/' }).end();
    } else {
      void echo(request, response);
    }
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/a');
  assert.equal(response.json<Echo>().headers.cookie, 'first=1; second=2');
  assert.deepEqual(response.history[1]?.request.headers.cookie, 'first=1');
  assert.deepEqual(session.cookies?.get(`${server.origin}/`), { first: '1', second: '2' });
});

test('a path-scoped cookie is only sent below its path', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/admin/login') response.setHeader('set-cookie', 'adm=1; Path=/admin');
    void echo(request, response);
  });
  const session = openSession(t, { baseURL: server.origin });
  await session.get('/admin/login');
  assert.equal((await session.get('/admin/panel')).json<Echo>().headers.cookie, 'adm=1');
  assert.equal((await session.get('/public')).json<Echo>().headers.cookie, undefined);
  assert.equal((await session.get('/administrator')).json<Echo>().headers.cookie, undefined);
});

test('a host-only cookie is not sent to another host', async (t) => {
  const one = await startServer(t, (request, response) => {
    response.setHeader('set-cookie', 'host=1');
    void echo(request, response);
  });
  const two = await startServer(t, echo, '127.0.0.2');
  const session = openSession(t);
  await session.get(`${one.origin}/`);
  assert.equal((await session.get(`${one.origin}/`)).json<Echo>().headers.cookie, 'host=1');
  assert.equal((await session.get(`${two.origin}/`)).json<Echo>().headers.cookie, undefined);
});

test('an expired cookie is removed and not sent', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/set') response.setHeader('set-cookie', ['keep=1', 'drop=1']);
    if (request.url === '/expire') {
      response.setHeader('set-cookie', [
        'drop=; Max-Age=0',
        'old=1; Expires=Thu, 01 Jan 1970 00:00:01 GMT',
      ]);
    }
    void echo(request, response);
  });
  const session = openSession(t, { baseURL: server.origin });
  await session.get('/set');
  assert.equal((await session.get('/x')).json<Echo>().headers.cookie, 'keep=1; drop=1');
  await session.get('/expire');
  assert.equal((await session.get('/x')).json<Echo>().headers.cookie, 'keep=1');
  session.cookies?.set(`${server.origin}/`, 'past=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT');
  assert.equal((await session.get('/x')).json<Echo>().headers.cookie, 'keep=1');
});

test('a Secure cookie is not sent over http', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const httpsURL = `https://127.0.0.1:${server.port}/`;
  session.cookies?.set(httpsURL, 'sec=1; Secure');
  session.cookies?.set(`${server.origin}/`, 'plain=1');
  assert.deepEqual(session.cookies?.get(httpsURL), { sec: '1', plain: '1' });
  assert.equal((await session.get('/')).json<Echo>().headers.cookie, 'plain=1');
});

test('a Secure cookie set over http is dropped, loopback included; a CookieJar given keeps its own rule', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/set') response.setHeader('set-cookie', ['sec=1; Secure', 'plain=1']);
    void echo(request, response);
  });
  const session = openSession(t, { baseURL: server.origin });
  await session.get('/set');
  assert.equal((await session.get('/')).json<Echo>().headers.cookie, 'plain=1');
  // tough-cookie's own default (allowSecureOnLocal: true) treats http://127.0.0.1 as secure.
  const own = openSession(t, { baseURL: server.origin, cookieJar: new CookieJar() });
  await own.get('/set');
  assert.equal((await own.get('/')).json<Echo>().headers.cookie, 'sec=1; plain=1');
});

test('session.cookies reads, sets and clears the jar', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  assert.ok(session.cookies instanceof Cookies);
  assert.deepEqual(session.cookies.get(`${server.origin}/`), {});
  session.cookies.set(`${server.origin}/`, 'manual=yes; Path=/');
  assert.deepEqual(session.cookies.get(`${server.origin}/any`), { manual: 'yes' });
  assert.equal((await session.get('/')).json<Echo>().headers.cookie, 'manual=yes');
  session.cookies.clear();
  assert.deepEqual(session.cookies.get(`${server.origin}/`), {});
  assert.equal((await session.get('/')).json<Echo>().headers.cookie, undefined);
});

test('per-request cookies are sent once and not stored', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  session.cookies?.set(`${server.origin}/`, 'jar=1; Path=/');
  const once = (await session.get('/', { cookies: { extra: '2', jar: 'over' } })).json<Echo>();
  assert.equal(once.headers.cookie, 'jar=over; extra=2');
  assert.deepEqual(session.cookies?.get(`${server.origin}/`), { jar: '1' });
  assert.equal((await session.get('/')).json<Echo>().headers.cookie, 'jar=1');
});

test('an explicit Cookie header replaces the jar cookies', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  session.cookies?.set(`${server.origin}/`, 'jar=1');
  const seen = (await session.get('/', { headers: { Cookie: 'mine=1' } })).json<Echo>();
  assert.equal(seen.headers.cookie, 'mine=1');
});

test('cookieJar: false keeps no cookies; a CookieJar given is used', async (t) => {
  const server = await startServer(t, (request, response) => {
    response.setHeader('set-cookie', 'k=v');
    void echo(request, response);
  });
  const none = openSession(t, { baseURL: server.origin, cookieJar: false });
  assert.equal(none.cookies, undefined);
  await none.get('/');
  assert.equal((await none.get('/')).json<Echo>().headers.cookie, undefined);

  const jar = new CookieJar();
  const shared = openSession(t, { baseURL: server.origin, cookieJar: jar });
  await shared.get('/');
  assert.equal(jar.getCookieStringSync(`${server.origin}/`), 'k=v');
  assert.throws(() => new Session({ cookieJar: 'yes' as never }), InvalidOptionError);
});

test('a cookieJar that cannot be read synchronously is an InvalidOptionError at construction', () => {
  class AsyncStore extends MemoryCookieStore {
    override synchronous = false;
  }
  for (const cookieJar of [new CookieJar(new AsyncStore()), Object.create(CookieJar.prototype)]) {
    assert.throws(
      () => new Session({ cookieJar }),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        /Expected `cookieJar` to be a tough-cookie CookieJar on a synchronous store/.test(
          error.message,
        ),
    );
  }
});

test('a cookies getter that throws is an InvalidOptionError naming the cookie', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const cookies = Object.defineProperty({}, 'sid', {
    enumerable: true,
    get() {
      throw new Error('no value');
    },
  });
  await assert.rejects(session.get('/', { cookies }), {
    name: 'InvalidOptionError',
    message: 'Reading `cookies.sid` threw: Error: no value',
  });
  assert.throws(() => new Session({ cookies }), InvalidOptionError);
});

test('a cookie value is read once: what is sent is what was checked', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  // A getter that answers the check with a good value, and any later read with a smuggled pair.
  let reads = 0;
  const cookies = Object.defineProperty({}, 'sid', {
    enumerable: true,
    get: () => (reads++ === 0 ? 'good' : 'x; admin=1'),
  });
  const seen = (await session.get('/', { cookies })).json<Echo>();
  assert.equal(seen.headers.cookie, 'sid=good');
  assert.equal(reads, 1);
  reads = 1;
  await assert.rejects(session.get('/', { cookies }), InvalidRequestError);
});

test('session.cookies.set and get: a bad URL is an InvalidURLError, redacted; a bad cookie an InvalidOptionError', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin, redactParams: ['sig'] });
  const cookies = session.cookies as Cookies;
  for (const url of ['not a url', '/relative', 'ftp://a.test/', 'http://a.test/\r\nx', 5]) {
    assert.throws(() => cookies.set(url as string, 'a=1'), InvalidURLError, String(url));
    assert.throws(() => cookies.get(url as string), InvalidURLError, String(url));
  }
  assert.throws(
    () => cookies.get('nope?sig=s3cret'),
    (error: unknown) => {
      assert.ok(error instanceof InvalidURLError);
      assert.equal(error.message, '"nope?sig=REDACTED" is not an absolute http(s) URL');
      return true;
    },
  );
  const url = `${server.origin}/?sig=s3cret`;
  const refusals: [cookie: unknown, why: RegExp][] = [
    ['', /Cookie failed to parse/],
    [';;;', /Cookie failed to parse/],
    ['a=1; Domain=elsewhere.test', /not in this host's domain/],
    ['sid=secret-value; Secure', /not a secure connection/],
  ];
  for (const [cookie, why] of refusals) {
    assert.throws(
      () => cookies.set(url, cookie as string),
      (error: unknown) => {
        assert.ok(error instanceof InvalidOptionError, String(cookie));
        assert.match(error.message, why);
        assert.match(
          error.message,
          /^The cookie jar refused a cookie for "http:\/\/127\.0\.0\.1:\d+\/\?sig=REDACTED": /,
        );
        assert.doesNotMatch(error.message, /secret/);
        assert.ok(error.cause instanceof Error);
        return true;
      },
    );
  }
  assert.throws(() => cookies.set(url, 42 as never), {
    name: 'InvalidOptionError',
    message: 'Expected `cookie` to be a Set-Cookie string, got 42 (number)',
  });
  // Nothing refused reached the jar; a good cookie still does.
  assert.deepEqual(cookies.get(url), {});
  cookies.set(url, 'ok=1');
  assert.deepEqual(cookies.get(new URL(url) as never), { ok: '1' });
});
