/**
 * No error carries a secret: for each error a request can end with, the URL's password, the
 * values of secret query parameters and the Authorization header appear in none of its outputs
 * (message, `String`, stack, `util.inspect`, `error.request`), while method, host, path and the
 * other parameters stay, so the message is still useful.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type TestContext, test } from 'node:test';
import { inspect } from 'node:util';
import {
  BodyTooLargeError,
  CancelledError,
  CircuitBreaker,
  CircuitOpenError,
  ConnectionError,
  DeadlineError,
  DependencyError,
  definePage,
  FuturesSession,
  flow,
  HTTPError,
  html,
  InvalidOptionError,
  InvalidURLError,
  RequestError,
  ResponseParseError,
  type SectionFailure,
  Session,
  SessionClosedError,
  type SessionOptions,
  TimeoutError,
  TooManyRedirectsError,
  Trace,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

const PASSWORD = 'pa55';
const TOKEN = 's3cret';
const API_KEY = 'k3y';
const BEARER = 't0ken';
const COOKIE = 'c00kie';
/** Every secret, with the URL credentials also as they go on the wire (Basic, base64). */
const NEEDLES = [
  PASSWORD,
  TOKEN,
  API_KEY,
  BEARER,
  COOKIE,
  Buffer.from(`user:${PASSWORD}`).toString('base64'),
];
const QUERY = `q=shoes&token=${TOKEN}&api_key=${API_KEY}`;

/** Where the secrets go: in the URL's userinfo, or in an Authorization header. */
type Variant = 'userinfo' | 'header';
const VARIANTS: readonly Variant[] = ['userinfo', 'header'];

/** The URL of `path` on `port` with secret query values, and credentials for `userinfo`. */
function secretURL(variant: Variant, port: number, path = '/path'): string {
  const credentials = variant === 'userinfo' ? `user:${PASSWORD}@` : '';
  return `http://${credentials}127.0.0.1:${port}${path}?${QUERY}`;
}

/** Request options carrying the secret headers for `header` (Authorization, Cookie). */
function secretHeaders(variant: Variant) {
  return variant === 'header'
    ? { headers: { authorization: `Bearer ${BEARER}`, cookie: `sid=${COOKIE}` } }
    : {};
}

/** Every text an error shows of itself. */
function outputsOf(error: unknown): Record<string, string> {
  const request = (error as { request?: { url?: string } }).request;
  return {
    message: (error as Error).message,
    string: String(error),
    stack: (error as Error).stack ?? '',
    inspect: inspect(error, { depth: 5 }),
    'JSON(request)': JSON.stringify(request) ?? '',
    'request.url': request?.url ?? '',
  };
}

/** Asserts that no output of `error` shows a secret. */
function assertNoSecret(error: unknown, label: string): void {
  assert.ok(error instanceof Error, `${label}: an Error, got ${String(error)}`);
  for (const [output, text] of Object.entries(outputsOf(error))) {
    for (const needle of NEEDLES) {
      assert.ok(!text.includes(needle), `${label}: ${output} shows ${needle}:\n${text}`);
    }
  }
}

/** Asserts that `error` names its request usefully: method, host, path, the harmless param. */
function assertNamesRequest(error: unknown, label: string, method = 'GET'): void {
  assert.ok(error instanceof RequestError, `${label}: a RequestError`);
  assert.ok(error.request !== undefined, `${label}: error.request is set`);
  assert.equal(error.request.method, method);
  assert.match(
    error.request.url,
    /^http:\/\/(\[REDACTED\]@)?127\.0\.0\.1:\d+\/path\?q=shoes&token=REDACTED&api_key=REDACTED$/,
  );
  assert.ok(
    error.message.endsWith(`${method} ${error.request.url}`),
    `${label}: the message ends with the request: ${error.message}`,
  );
  assert.ok(Object.isFrozen(error.request), `${label}: error.request is frozen`);
}

/** The rejection of `promise` (failing the test if it resolves). */
function caught(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    (value) => assert.fail(`expected a rejection, got ${String(value)}`),
    (error: unknown) => error,
  );
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

async function serve(t: TestContext, handler: Handler) {
  return startServer(t, handler);
}

function session(t: TestContext, options: SessionOptions = {}): Session {
  return openSession(t, { retry: false, ...options });
}

for (const variant of VARIANTS) {
  test(`${variant}: a refused connection → ConnectionError without secrets`, async (t) => {
    const error = await caught(session(t).get(secretURL(variant, 1), secretHeaders(variant)));
    assert.ok(error instanceof ConnectionError, String(error));
    assertNamesRequest(error, 'refused');
    assertNoSecret(error, 'refused');
  });

  test(`${variant}: a headers timeout → TimeoutError without secrets`, async (t) => {
    const server = await serve(t, () => {}); // never answers
    const error = await caught(
      session(t, { timeout: { headers: 50 } }).get(
        secretURL(variant, server.port),
        secretHeaders(variant),
      ),
    );
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.phase, 'headers');
    assertNamesRequest(error, 'timeout');
    assertNoSecret(error, 'timeout');
  });

  test(`${variant}: a 503 and raiseForStatus → HTTPError without secrets, response included`, async (t) => {
    const server = await serve(t, (_request, response) => {
      response.writeHead(503).end('down');
    });
    const response = await session(t).get(secretURL(variant, server.port), secretHeaders(variant));
    const error = (() => {
      try {
        response.raiseForStatus();
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof HTTPError, String(error));
    assert.equal(error.response, response);
    assertNamesRequest(error, 'HTTPError');
    assertNoSecret(error, 'HTTPError');
    assert.match(inspect(error, { depth: 5 }), /Response 503 Service Unavailable GET http/);
    assert.doesNotMatch(inspect(response.request), new RegExp(`${TOKEN}|${BEARER}`));
    assert.doesNotMatch(JSON.stringify(response.request), new RegExp(`${TOKEN}|${BEARER}`));
  });

  test(`${variant}: too many redirects → TooManyRedirectsError without secrets`, async (t) => {
    const server = await serve(t, (request, response) => {
      response.writeHead(302, { location: request.url ?? '/' }).end();
    });
    const error = await caught(
      session(t, { redirect: { max: 2 } }).get(
        secretURL(variant, server.port),
        secretHeaders(variant),
      ),
    );
    assert.ok(error instanceof TooManyRedirectsError, String(error));
    assertNamesRequest(error, 'redirects');
    assertNoSecret(error, 'redirects');
  });

  test(`${variant}: a body too large → BodyTooLargeError without secrets`, async (t) => {
    const server = await serve(t, (_request, response) => {
      response.end('x'.repeat(1000));
    });
    const error = await caught(
      session(t, { maxBodySize: 10 }).get(secretURL(variant, server.port), secretHeaders(variant)),
    );
    assert.ok(error instanceof BodyTooLargeError, String(error));
    assertNamesRequest(error, 'body too large');
    assertNoSecret(error, 'body too large');
  });

  test(`${variant}: a bad JSON body → ResponseParseError without secrets`, async (t) => {
    const server = await serve(t, (_request, response) => {
      response.end('not json');
    });
    const response = await session(t).get(secretURL(variant, server.port), secretHeaders(variant));
    const error = (() => {
      try {
        response.json();
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof ResponseParseError, String(error));
    assertNamesRequest(error, 'JSON');
    assertNoSecret(error, 'JSON');
  });

  test(`${variant}: a cancelled request → CancelledError without secrets`, async (t) => {
    const arrived = deferred();
    const server = await serve(t, () => arrived.resolve());
    const controller = new AbortController();
    const pending = caught(
      session(t).get(secretURL(variant, server.port), {
        ...secretHeaders(variant),
        signal: controller.signal,
      }),
    );
    await arrived.promise;
    controller.abort();
    const error = await pending;
    assert.ok(error instanceof CancelledError, String(error));
    assertNamesRequest(error, 'cancelled');
    assertNoSecret(error, 'cancelled');
  });

  test(`${variant}: a closed session → SessionClosedError without secrets, in flight and after`, async (t) => {
    const arrived = deferred();
    const server = await serve(t, () => arrived.resolve());
    const closing = new Session({ retry: false });
    const inFlight = caught(closing.get(secretURL(variant, server.port), secretHeaders(variant)));
    await arrived.promise;
    await closing.close();
    const later = await caught(
      closing.get(secretURL(variant, server.port), secretHeaders(variant)),
    );
    for (const [label, error] of [
      ['in flight', await inFlight],
      ['after close', later],
    ] as const) {
      assert.ok(error instanceof SessionClosedError, `${label}: ${String(error)}`);
      assertNamesRequest(error, label);
      assertNoSecret(error, label);
    }
  });

  test(`${variant}: a circuit open → CircuitOpenError without secrets`, async (t) => {
    const server = await serve(t, (_request, response) => {
      response.writeHead(503).end();
    });
    const breaker = new CircuitBreaker({ trip: { consecutiveFailures: 1 }, openFor: 600_000 });
    const open = session(t, { policies: [breaker] });
    await open.get(secretURL(variant, server.port), secretHeaders(variant));
    const error = await caught(open.get(secretURL(variant, server.port), secretHeaders(variant)));
    assert.ok(error instanceof CircuitOpenError, String(error));
    assertNamesRequest(error, 'circuit');
    assertNoSecret(error, 'circuit');
  });

  test(`${variant}: a FuturesSession's failed future → no secrets`, async (t) => {
    const futures = new FuturesSession({ retry: false });
    t.after(() => futures.close());
    const error = await futures.get(secretURL(variant, 1), secretHeaders(variant)).exception();
    assert.ok(error instanceof ConnectionError, String(error));
    assertNamesRequest(error, 'future');
    assertNoSecret(error, 'future');
  });
}

test('an invalid URL → InvalidURLError quoting it without secrets', async (t) => {
  const plain = session(t);
  const based = session(t, { baseURL: 'http://127.0.0.1:1/' });
  const errors = {
    'CR, LF': await caught(plain.get(`http://user:${PASSWORD}@127.0.0.1/a\nb?${QUERY}`)),
    scheme: await caught(plain.get(`ftp://user:${PASSWORD}@127.0.0.1/path?${QUERY}`)),
    unparsable: await caught(plain.get(`http://user:${PASSWORD}@[bad/path?${QUERY}`)),
    'leaves baseURL': await caught(based.get(`http://user:${PASSWORD}@x/?${QUERY}`)),
    'URL object': await caught(plain.get(new URL(`file://host/path?${QUERY}`))),
    'baseURL credentials': (() => {
      try {
        new Session({ baseURL: `http://user:${PASSWORD}@127.0.0.1/?${QUERY}` });
      } catch (e) {
        return e;
      }
    })(),
    'baseURL query': (() => {
      try {
        new Session({ baseURL: `ftp://127.0.0.1/?${QUERY}` });
      } catch (e) {
        return e;
      }
    })(),
  };
  for (const [label, error] of Object.entries(errors)) {
    assert.ok(error instanceof InvalidURLError, `${label}: ${String(error)}`);
    assert.match(error.message, /q=shoes&token=REDACTED&api_key=REDACTED/, label);
    assertNoSecret(error, label);
  }
});

test('a redirect to a refused or invalid Location quotes it without secrets', async (t) => {
  const server = await serve(t, (request, response) => {
    const location = request.url?.startsWith('/ftp')
      ? `ftp://user:${PASSWORD}@127.0.0.1/?${QUERY}`
      : `http://user:${PASSWORD}@[bad/?${QUERY}`;
    response.writeHead(302, { location }).end();
  });
  const client = session(t);
  for (const path of ['/ftp', '/bad']) {
    const error = await caught(
      client.get(secretURL('header', server.port, path), secretHeaders('header')),
    );
    assert.ok(error instanceof InvalidURLError, String(error));
    assert.match(error.message, /token=REDACTED/);
    assertNoSecret(error, path);
  }
});

test('a flow: DependencyError and DeadlineError chains carry no secrets', async (t) => {
  const server = await serve(t, (request, response) => {
    if (request.url?.startsWith('/slow')) return; // never answers
    response.writeHead(503).end();
  });
  const futures = new FuturesSession({ retry: false });
  t.after(() => futures.close());
  const running = flow({ name: 'secrets' })
    .step('user', async () =>
      (await futures.get(secretURL('userinfo', server.port))).raiseForStatus(),
    )
    .step('orders', ['user'], () => 1)
    .step(
      'slow',
      () => futures.get(secretURL('header', server.port, '/slow'), secretHeaders('header')),
      {
        deadline: 100,
      },
    )
    .step('recs', ['slow'], () => 1)
    .start();
  const user = await running.steps.user.exception();
  assert.ok(user instanceof HTTPError, String(user));
  const orders = await running.steps.orders.exception();
  assert.ok(orders instanceof DependencyError, String(orders));
  assert.match(
    orders.message,
    /^orders ← user: HTTP 503 .*: GET http:\/\/127\.0\.0\.1:\d+\/path\?q=shoes&token=REDACTED/,
  );
  const slow = await running.steps.slow.exception();
  // The step's deadline (DeadlineError) or its request's (TimeoutError): secret-free either way.
  assert.ok(slow instanceof DeadlineError || slow instanceof TimeoutError, String(slow));
  const recs = await running.steps.recs.exception();
  assert.ok(recs instanceof DependencyError, String(recs));
  for (const [label, error] of Object.entries({ user, orders, slow, recs })) {
    assertNoSecret(error, label);
  }
});

test('a page: section errors and their dependents carry no secrets', async (t) => {
  const server = await serve(t, (_request, response) => {
    response.writeHead(503).end();
  });
  const futures = new FuturesSession({ retry: false });
  t.after(() => futures.close());
  const failures: SectionFailure[] = [];
  const page = definePage({
    head: '<body>',
    tail: '</body>',
    session: futures,
    fallback: (failure) => {
      failures.push(failure);
      return html`<i>${(failure.error as Error).message}</i>`;
    },
  })
    .section('broken', {
      data: (_, { json }) => json(secretURL('userinfo', server.port), secretHeaders('header')),
      render: () => 'never',
    })
    .section('child', { after: ['broken'], data: () => 1, render: () => 'never' });
  const rendered = await page.renderToString();
  assert.equal(failures.length, 2);
  assert.ok(failures[0]?.error instanceof HTTPError);
  assert.ok(failures[1]?.error instanceof DependencyError);
  for (const failure of failures) assertNoSecret(failure.error, failure.section);
  for (const needle of NEEDLES) assert.ok(!rendered.body.includes(needle), rendered.body);
  assert.match(rendered.body, /token=REDACTED/);
});

test("a session's redactParams: its errors redact those parameters (case-insensitive)", async (t) => {
  for (const client of [
    session(t, { redactParams: ['Session_ID'] }),
    (() => {
      const futures = new FuturesSession({ retry: false, redactParams: ['session_id'] });
      t.after(() => futures.close());
      return futures;
    })(),
  ]) {
    const url = `http://127.0.0.1:1/path?q=shoes&SESSION_id=${TOKEN}`;
    const call = client.get(url);
    const error = await ('exception' in call ? call.exception() : caught(call));
    assert.ok(error instanceof ConnectionError, String(error));
    assert.equal(error.request?.url, 'http://127.0.0.1:1/path?q=shoes&SESSION_id=REDACTED');
    assertNoSecret(error, 'redactParams');
  }
  assert.throws(
    () => new Session({ redactParams: 'token' as never }),
    (error: unknown) =>
      error instanceof InvalidOptionError &&
      /Expected `redactParams` to be an array of strings/.test(error.message),
  );
  assert.throws(() => new Session({ redactParams: [7] as never }), InvalidOptionError);
});

test("a trace without its own redactParams redacts by the session's; its own still win", async (t) => {
  const server = await serve(t, (_request, response) => {
    response.end('ok');
  });
  const client = session(t, { redactParams: ['session_id'] });
  const url = `${server.origin}/path?session_id=${TOKEN}&token=visible`;
  const bySession = new Trace();
  await bySession.bind(client).get(url);
  await bySession.run(() => client.get(url));
  const own = new Trace({ redactParams: ['token'] });
  await own.bind(client).get(url);
  assert.deepEqual(
    [...bySession.requests, ...own.requests].map((record) => record.url),
    [
      `${server.origin}/path?session_id=REDACTED&token=visible`,
      `${server.origin}/path?session_id=REDACTED&token=visible`,
      `${server.origin}/path?session_id=${TOKEN}&token=REDACTED`,
    ],
  );
});
