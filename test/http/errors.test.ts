import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  BodyTooLargeError,
  CancelledError,
  ConnectionError,
  FanoutError,
  HTTPError,
  InvalidOptionError,
  InvalidRequestError,
  InvalidURLError,
  isFanoutError,
  RequestError,
  ResponseParseError,
  SessionClosedError,
  TimeoutError,
  TooManyRedirectsError,
} from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

const PASSWORD = 'hunter2-pass';
const TOKEN = 'bearer-token-xyz';
const COOKIE = 'cookie-secret-abc';
const ONCE = 'call-cookie-def';
const SECRETS = [
  PASSWORD,
  TOKEN,
  COOKIE,
  ONCE,
  Buffer.from(`alice:${PASSWORD}`).toString('base64'),
];

/** Everything an error shows when logged or serialised. */
function printed(error: unknown): string {
  const e = error as Error;
  return [
    e.message,
    e.stack,
    String(e),
    inspect(e, { depth: Number.POSITIVE_INFINITY }),
    JSON.stringify(e),
  ].join('\n');
}

function assertNoSecret(error: unknown): void {
  const text = printed(error);
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} shown in:\n${text}`);
}

test('every error is a FanoutError with a stable code', () => {
  const codes: [FanoutError, string][] = [
    [new FanoutError('x'), 'FANOUT_ERROR'],
    [new BodyTooLargeError('x'), 'FANOUT_BODY_TOO_LARGE'],
    [new CancelledError('x'), 'FANOUT_CANCELLED'],
    [new ConnectionError('x'), 'FANOUT_CONNECTION'],
    [new InvalidOptionError('x'), 'FANOUT_INVALID_OPTION'],
    [new InvalidRequestError('x'), 'FANOUT_INVALID_REQUEST'],
    [new InvalidURLError('x'), 'FANOUT_INVALID_URL'],
    [new ResponseParseError('x'), 'FANOUT_RESPONSE_PARSE'],
    [new SessionClosedError('x'), 'FANOUT_SESSION_CLOSED'],
    [new TimeoutError({ phase: 'headers', timeout: 1 }), 'FANOUT_TIMEOUT'],
    [new TooManyRedirectsError('x'), 'FANOUT_TOO_MANY_REDIRECTS'],
  ];
  for (const [error, code] of codes) {
    assert.ok(error instanceof FanoutError);
    assert.ok(error instanceof Error);
    assert.ok(isFanoutError(error));
    assert.equal(error.code, code);
    assert.notEqual(error.name, 'Error');
  }
  assert.equal(isFanoutError(new Error('x')), false);
  assert.equal(isFanoutError(null), false);
  assert.equal(isFanoutError({ [Symbol.for('fanout.error')]: true }), true, 'works across copies');
});

/** A session with Basic auth, a jar cookie and a per-call cookie and token. */
function secretSession(t: Parameters<typeof openSession>[0], origin: string) {
  const session = openSession(t, {
    baseURL: origin,
    auth: { username: 'alice', password: PASSWORD },
    retry: false,
  });
  session.cookies?.set(`${origin}/`, `sid=${COOKIE}`);
  return session;
}
const callOptions = {
  cookies: { once: ONCE },
  headers: { 'x-api-key': 'public', 'Proxy-Authorization': `Bearer ${TOKEN}` },
};

test('a refused connection: ConnectionError with method and URL, no secret', async (t) => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const session = secretSession(t, `http://127.0.0.1:${port}`);
  const error = await session.get('/private', callOptions).catch((e: unknown) => e);
  assert.ok(error instanceof ConnectionError);
  assert.ok(error instanceof RequestError);
  assert.match(error.message, new RegExp(`: GET http://127\\.0\\.0\\.1:${port}/private$`));
  assert.deepEqual(
    { method: error.request?.method, url: error.request?.url },
    { method: 'GET', url: `http://127.0.0.1:${port}/private` },
  );
  assertNoSecret(error);
});

test('errors after a request with secrets never show them', async (t) => {
  const server = await startServer(t, (request, response) => {
    switch (request.url) {
      case '/reset':
        request.socket.destroy();
        break;
      case '/slow':
        break;
      case '/loop':
        response.writeHead(302, { location: '/loop' }).end();
        break;
      case '/big':
        response.end(Buffer.alloc(2048));
        break;
      case '/bad-json':
        response.end('{"truncated": ');
        break;
      default:
        response.writeHead(401, { 'www-authenticate': 'Basic' }).end();
    }
  });
  const session = secretSession(t, server.origin);
  const errors: unknown[] = [];
  const failing = async (run: () => Promise<unknown>) => {
    errors.push(await run().catch((e: unknown) => e));
  };
  await failing(() => session.get('/reset', callOptions));
  await failing(() => session.get('/slow', { ...callOptions, timeout: { headers: 100 } }));
  await failing(() => session.get('/loop', { ...callOptions, redirect: { max: 2 } }));
  await failing(() => session.get('/big', { ...callOptions, maxBodySize: 1024 }));
  await failing(async () => (await session.get('/bad-json', callOptions)).json());
  await failing(async () => (await session.get('/denied', callOptions)).raiseForStatus());
  const abort = new AbortController();
  await failing(() => {
    const call = session.get('/slow', { ...callOptions, signal: abort.signal });
    setImmediate(() => abort.abort());
    return call;
  });
  assert.deepEqual(
    errors.map((error) => (error as Error).name),
    [
      'ConnectionError',
      'TimeoutError',
      'TooManyRedirectsError',
      'BodyTooLargeError',
      'ResponseParseError',
      'HTTPError',
      'CancelledError',
    ],
  );
  for (const error of errors) {
    assert.ok(isFanoutError(error));
    assert.match((error as Error).message, /GET http:\/\/127\.0\.0\.1:\d+\//);
    assertNoSecret(error);
  }
});

test('credentials in a refused URL are not shown', async (t) => {
  const session = openSession(t);
  const based = openSession(t, { baseURL: 'http://127.0.0.1:1/' });
  const errors = [
    await session.get(`ftp://alice:${PASSWORD}@127.0.0.1/x`).catch((e: unknown) => e),
    await session.get(`http://alice:${PASSWORD}@127.0.0.1/\nx`).catch((e: unknown) => e),
    await based.get(`http://alice:${PASSWORD}@127.0.0.1:1/`).catch((e: unknown) => e),
    await based.get(`//alice:${PASSWORD}@127.0.0.1/`).catch((e: unknown) => e),
    (() => {
      try {
        openSession(t, { baseURL: `http://alice:${PASSWORD}@127.0.0.1/` });
      } catch (e) {
        return e;
      }
    })(),
  ];
  for (const error of errors) {
    assert.ok(error instanceof InvalidURLError, String(error));
    assert.match(error.message, /\[REDACTED\]@127\.0\.0\.1/);
    assertNoSecret(error);
  }
});

test('a redirect to a refused URL with credentials does not show them', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(302, { location: `ftp://alice:${PASSWORD}@127.0.0.1/` }).end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const error = await session.get('/').catch((e: unknown) => e);
  assert.ok(error instanceof InvalidURLError);
  assertNoSecret(error);
});

test('an HTTPError carries the response and a message with method and URL', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(503).end();
  });
  const session = openSession(t, { baseURL: server.origin, retry: false });
  const response = await session.delete('/item/1');
  const error = (() => {
    try {
      response.raiseForStatus();
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof HTTPError);
  assert.equal(error.response, response);
  assert.equal(error.message, `HTTP 503 Service Unavailable: DELETE ${server.origin}/item/1`);
});

test('an AbortSignal cancels with CancelledError (before and during the call)', async (t) => {
  let hits = 0;
  const server = await startServer(t, () => {
    hits++;
  });
  const session = openSession(t, { baseURL: server.origin });
  await assert.rejects(session.get('/', { signal: AbortSignal.abort() }), CancelledError);
  const abort = new AbortController();
  const call = session.get('/', { signal: abort.signal });
  await new Promise<void>((resolve) => server.server.once('request', () => resolve()));
  abort.abort();
  const error = await call.catch((e: unknown) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.code, 'FANOUT_CANCELLED');
  assert.equal(hits, 1);
});
