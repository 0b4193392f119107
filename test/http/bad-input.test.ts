import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BodyTooLargeError,
  ConnectionError,
  InvalidOptionError,
  InvalidRequestError,
  InvalidURLError,
  ResponseParseError,
  Session,
  type SessionOptions,
  TimeoutError,
  TooManyRedirectsError,
} from '../../src/index.ts';
import { deferred, startServer, type TestServer } from '../helpers/server.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

type Context = Parameters<typeof startServer>[0];

/** A server that counts the requests and connections it gets: bad input must reach neither. */
async function watched(t: Context) {
  const seen = { requests: 0, connections: 0 };
  const server = await startServer(t, (request, response) => {
    seen.requests++;
    void echo(request, response);
  });
  server.server.on('connection', () => seen.connections++);
  return { server, seen };
}

/** Rejects with `type`, and nothing reached the server. */
async function refused(
  t: Context,
  type: abstract new (...args: never[]) => Error,
  call: (session: Session, server: TestServer) => Promise<unknown>,
  options: SessionOptions = {},
): Promise<Error> {
  const { server, seen } = await watched(t);
  const session = openSession(t, { baseURL: server.origin, ...options });
  const error = await call(session, server).catch((e: unknown) => e);
  assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
  assert.deepEqual(seen, { requests: 0, connections: 0 });
  // The session still works.
  assert.equal((await session.get('/ok')).status, 200);
  return error;
}

test('a relative URL without baseURL → InvalidURLError', async (t) => {
  const session = openSession(t);
  const error = await session.get('/users').catch((e: unknown) => e);
  assert.ok(error instanceof InvalidURLError);
  assert.match(error.message, /"\/users" is not an absolute http\(s\) URL/);
});

for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/pub', 'javascript:alert(1)']) {
  test(`${url.split(':')[0]}: URL → InvalidURLError`, async (t) => {
    const session = openSession(t);
    await assert.rejects(session.get(url), InvalidURLError);
    await assert.rejects(session.get(new URL(url)), InvalidURLError);
  });
}

for (const [label, char] of [
  ['CR', '\r'],
  ['LF', '\n'],
  ['NUL', '\0'],
] as const) {
  test(`${label} in a header name → InvalidRequestError`, async (t) => {
    await refused(t, InvalidRequestError, (session) =>
      session.get('/', { headers: { [`x-a${char}x-b`]: '1' } }),
    );
  });

  test(`${label} in a header value → InvalidRequestError`, async (t) => {
    const error = await refused(t, InvalidRequestError, (session) =>
      session.get('/', { headers: { 'x-a': `1${char}x-injected: 2` } }),
    );
    assert.match(error.message, /x-a/);
    await refused(t, InvalidRequestError, (session) =>
      session.get('/', { headers: { 'x-list': ['ok', `bad${char}`] } }),
    );
  });

  test(`${label} in the method → InvalidRequestError`, async (t) => {
    await refused(t, InvalidRequestError, (session) => session.request(`GET${char}X`, '/'));
  });

  test(`${label} in the path → InvalidURLError`, async (t) => {
    await refused(t, InvalidURLError, (session) => session.get(`/a${char}b`));
    await refused(
      t,
      InvalidURLError,
      (session, server) => session.get(`${server.origin}/a${char}b`),
      { allowAbsoluteURLs: true },
    );
  });

  test(`${label} in a session header → InvalidRequestError at construction`, () => {
    assert.throws(() => new Session({ headers: { 'x-a': `v${char}` } }), InvalidRequestError);
  });

  test(`${label} in a cookie value → typed error, nothing sent`, async (t) => {
    await refused(t, InvalidRequestError, (session) =>
      session.get('/', { cookies: { a: `x${char}y` } }),
    );
  });
}

test('other invalid methods and header names → InvalidRequestError', async (t) => {
  await refused(t, InvalidRequestError, (session) => session.request('GE T', '/'));
  await refused(t, InvalidRequestError, (session) => session.request('', '/'));
  await refused(t, InvalidRequestError, (session) => session.request(42 as never, '/'));
  await refused(t, InvalidRequestError, (session) =>
    session.get('/', { headers: { 'bad name': '1' } }),
  );
  await refused(t, InvalidRequestError, (session) =>
    session.get('/', { headers: { 'x-obj': {} as never } }),
  );
});

test('CONNECT → InvalidRequestError, nothing sent: it opens a tunnel, not a request', async (t) => {
  const error = await refused(t, InvalidRequestError, (session) => session.request('CONNECT', '/'));
  assert.match(error.message, /CONNECT.*tunnel/);
  await refused(t, InvalidRequestError, (session) => session.request('connect', '/'));
});

test('params with CR LF are percent-encoded, never injected', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (await session.get('/', { params: { q: 'a\r\nx: y' } })).json<Echo>();
  assert.equal(seen.url, '/?q=a%0D%0Ax%3A+y');
});

test('json together with body → InvalidRequestError', async (t) => {
  const error = await refused(t, InvalidRequestError, (session) =>
    session.post('/', { json: { a: 1 }, body: 'raw' }),
  );
  assert.match(error.message, /only one of `json`, `form` and `body`/);
  await refused(t, InvalidRequestError, (session) =>
    session.post('/', { json: { a: 1 }, form: { a: 1 } }),
  );
  await refused(t, InvalidRequestError, (session) => session.post('/', { form: {}, body: 'x' }));
});

test('a json value with a cycle → InvalidRequestError', async (t) => {
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  const error = await refused(t, InvalidRequestError, (session) =>
    session.post('/', { json: cyclic }),
  );
  assert.match(error.message, /cannot be serialised/);
});

test('a json value with a BigInt → InvalidRequestError', async (t) => {
  await refused(t, InvalidRequestError, (session) => session.post('/', { json: { n: 10n } }));
});

test('a json value that serialises to nothing → InvalidRequestError', async (t) => {
  await refused(t, InvalidRequestError, (session) => session.post('/', { json: () => 1 }));
  await refused(t, InvalidRequestError, (session) => session.post('/', { json: Symbol('x') }));
});

test('a body of an unsupported type → InvalidRequestError', async (t) => {
  await refused(t, InvalidRequestError, (session) => session.post('/', { body: 42 as never }));
});

const BAD_NUMBERS = [-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

const BAD_OPTIONS: [string, (value: number) => SessionOptions][] = [
  ['timeout', (value) => ({ timeout: value })],
  ['timeout.total', (value) => ({ timeout: { total: value } })],
  ['timeout.connect', (value) => ({ timeout: { connect: value } })],
  ['timeout.headers', (value) => ({ timeout: { headers: value } })],
  ['timeout.body', (value) => ({ timeout: { body: value } })],
  ['retry', (value) => ({ retry: value })],
  ['retry.limit', (value) => ({ retry: { limit: value } })],
  ['retry.baseDelay', (value) => ({ retry: { baseDelay: value } })],
  ['retry.maxDelay', (value) => ({ retry: { maxDelay: value } })],
  ['retry.maxRetryAfter', (value) => ({ retry: { maxRetryAfter: value } })],
  ['maxBodySize', (value) => ({ maxBodySize: value })],
  ['redirect.max', (value) => ({ redirect: { max: value } })],
];

for (const [name, options] of BAD_OPTIONS) {
  test(`${name}: negative, NaN or infinite → InvalidOptionError (session and request)`, async (t) => {
    const session = openSession(t);
    for (const value of BAD_NUMBERS) {
      assert.throws(() => new Session(options(value)), InvalidOptionError, `${name}: ${value}`);
      await assert.rejects(
        session.get('http://127.0.0.1:1/', options(value) as never),
        InvalidOptionError,
        `${name}: ${value}`,
      );
    }
  });
}

for (const name of ['connections', 'keepAliveTimeout', 'pipelining', 'http2Sessions'] as const) {
  test(`${name}: negative, NaN, infinite or 0 → InvalidOptionError`, () => {
    for (const value of [...BAD_NUMBERS, 0, 1.5]) {
      const error = (() => {
        try {
          new Session({ [name]: value });
        } catch (e) {
          return e;
        }
      })();
      assert.ok(error instanceof InvalidOptionError, `${name}: ${value}`);
      assert.match(error.message, new RegExp(`^Expected \`${name}\` to be an integer >= 1, got`));
    }
  });
}

test('an option of the wrong type → InvalidOptionError naming it', () => {
  const cases: SessionOptions[] = [
    { timeout: '100' as never },
    { decompress: 'yes' as never },
    { rejectUnauthorized: 1 as never },
    { allowAbsoluteURLs: 'true' as never },
    { maxBodySize: '10' as never },
    { retry: 'always' as never },
    null as never,
  ];
  for (const options of cases) {
    assert.throws(() => new Session(options), InvalidOptionError, JSON.stringify(options));
  }
});

test('a redirect loop → TooManyRedirectsError', async (t) => {
  const server = await startServer(t, (request, response) => {
    response.writeHead(307, { location: request.url === '/ping' ? '/pong' : '/ping' }).end();
  });
  const session = openSession(t, { baseURL: server.origin });
  await assert.rejects(session.get('/ping'), TooManyRedirectsError);
});

test('a body over maxBodySize (content-length) → BodyTooLargeError, socket released', {
  timeout: 10_000,
}, async (t) => {
  const closed = deferred();
  const server = await startServer(t, (request, response) => {
    if (request.url === '/ok') return void response.end('small');
    request.socket.once('close', () => closed.resolve());
    response.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
    response.write(Buffer.alloc(1024));
  });
  const session = openSession(t, { baseURL: server.origin, maxBodySize: 1024, connections: 1 });
  const error = await session.get('/big').catch((e: unknown) => e);
  assert.ok(error instanceof BodyTooLargeError);
  assert.match(error.message, /maxBodySize \(1024 bytes\): GET/);
  await closed.promise;
  assert.equal((await session.get('/ok')).text, 'small', 'the pool of one still works');
});

test('a chunked body over maxBodySize → BodyTooLargeError, socket released', {
  timeout: 10_000,
}, async (t) => {
  const closed = deferred();
  const server = await startServer(t, (request, response) => {
    if (request.url === '/ok') return void response.end('small');
    request.socket.once('close', () => closed.resolve());
    response.writeHead(200);
    const chunk = Buffer.alloc(512);
    const pump = () => {
      while (response.write(chunk));
      response.once('drain', pump);
    };
    pump();
  });
  const session = openSession(t, { baseURL: server.origin, maxBodySize: 4096, connections: 1 });
  await assert.rejects(session.get('/big'), BodyTooLargeError);
  await closed.promise;
  assert.equal((await session.get('/ok')).text, 'small');
});

test('a reset in the middle of the body → ConnectionError', async (t) => {
  const server = await startServer(t, (request, response) => {
    response.writeHead(200, { 'content-length': '1000' });
    response.write('part of it', () => request.socket.resetAndDestroy());
  });
  const session = openSession(t, { baseURL: server.origin, retry: false });
  const error = await session.get('/').catch((e: unknown) => e);
  assert.ok(error instanceof ConnectionError, String(error));
});

test('a body shorter than its content-length → ConnectionError', async (t) => {
  const server = await startServer(t, (request, response) => {
    response.writeHead(200, { 'content-length': '100' });
    response.write('only this', () => request.socket.end());
  });
  const session = openSession(t, { baseURL: server.origin, retry: false });
  const error = await session.get('/').catch((e: unknown) => e);
  assert.ok(error instanceof ConnectionError, String(error));
});

test('a server that never answers → TimeoutError with its phase', async (t) => {
  const server = await startServer(t, () => {});
  const session = openSession(t, { baseURL: server.origin, retry: false });
  const error = await session.get('/', { timeout: { headers: 200 } }).catch((e: unknown) => e);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.phase, 'headers');
});

test('an invalid JSON body → ResponseParseError', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"a":');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/');
  assert.throws(() => response.json(), ResponseParseError);
});

test('with a baseURL, "//host/x" is refused (InvalidURLError)', async (t) => {
  const error = await refused(t, InvalidURLError, (session) => session.get('//evil.example/x'));
  assert.match(error.message, /would leave the session baseURL/);
});

test('with a baseURL, an absolute string URL is refused (InvalidURLError)', async (t) => {
  await refused(t, InvalidURLError, (session) => session.get('http://other/'));
  await refused(t, InvalidURLError, (session) => session.get('https://127.0.0.2/'));
  await refused(t, InvalidURLError, (session) => session.get('HTTP://other/'));
});

test('with a baseURL, a URL object or allowAbsoluteURLs reaches another origin', async (t) => {
  const home = await startServer(t, echo);
  const other = await startServer(t, echo, '127.0.0.2');
  const session = openSession(t, { baseURL: `${home.origin}/api` });
  const viaObject = await session.get(new URL('/x', other.origin));
  assert.equal(viaObject.url, `${other.origin}/x`);
  const open = openSession(t, { baseURL: `${home.origin}/api`, allowAbsoluteURLs: true });
  const viaString = await open.get(`${other.origin}/y`);
  assert.equal(viaString.url, `${other.origin}/y`);
  assert.equal((await open.get('/z')).url, `${home.origin}/api/z`);
  const protocolRelative = await open.get(`//127.0.0.2:${other.port}/w`);
  assert.equal(protocolRelative.url, `${other.origin}/w`, 'takes the scheme of the base');
});

test('a baseURL that is not absolute http(s) → InvalidURLError', () => {
  for (const baseURL of ['/api', 'file:///tmp/', 'ftp://127.0.0.1/', 'not a url']) {
    assert.throws(() => new Session({ baseURL }), InvalidURLError, baseURL);
  }
});
