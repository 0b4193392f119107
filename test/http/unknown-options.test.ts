/**
 * Typos are errors: an unknown key in the session's, a request's or a nested option object
 * throws an InvalidOptionError naming it, where it was read and the option it is nearest to;
 * every key of a full options object is accepted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.ts';
import type { RequestOptions, SessionOptions } from '../../src/http/options.ts';
import { Session } from '../../src/http/session.ts';
import { startCountingServer, startServer } from '../helpers/server.ts';

/** Every key of `T`, each given (the compiler lists them), a value or `undefined`. */
type EveryKey<T> = { [K in keyof T]-?: T[K] | undefined };

function invalid(message: string) {
  return (error: unknown) => error instanceof InvalidOptionError && error.message === message;
}

// The TLS and proxy keys are given as undefined: with a value they would change the transport.
const EVERY_SESSION_OPTION: EveryKey<SessionOptions> = {
  headers: { 'x-app': 'test' },
  params: { a: '1' },
  auth: { bearer: 'token' },
  cookies: { c: '1' },
  timeout: { connect: 1_000, headers: 5_000, body: 5_000, total: 10_000 },
  retry: {
    limit: 1,
    methods: ['GET'],
    statusCodes: [503],
    baseDelay: 1,
    maxDelay: 2,
    maxRetryAfter: 3,
  },
  redirect: { max: 3 },
  hooks: { beforeRequest: [], beforeRedirect: [], beforeRetry: [], afterResponse: [] },
  maxBodySize: 1_000_000,
  decompress: true,
  ca: undefined,
  cert: undefined,
  key: undefined,
  rejectUnauthorized: true,
  baseURL: undefined,
  allowAbsoluteURLs: true,
  cookieJar: true,
  proxy: undefined,
  connections: 4,
  keepAliveTimeout: 1_000,
  pipelining: 1,
  http2: false,
  http2Sessions: 1,
  telemetry: false,
  policies: [],
  coalesce: false,
  redactParams: ['token'],
};

test('a typo in the session options throws with the option it is nearest to', () => {
  assert.throws(
    () => new Session({ timout: 5 } as SessionOptions),
    invalid('Unknown option "timout" in session options — did you mean "timeout"?'),
  );
  assert.throws(
    () => new Session({ baseUrl: 'http://127.0.0.1' } as SessionOptions),
    invalid('Unknown option "baseUrl" in session options — did you mean "baseURL"?'),
  );
  assert.throws(
    () => new Session({ json: {} } as SessionOptions),
    invalid('Unknown option "json" in session options — it is one of the request options'),
  );
});

test('a session takes every key of a full SessionOptions object', async () => {
  const session = new Session(EVERY_SESSION_OPTION as SessionOptions);
  await session.close();
});

test('a typo in a request option throws before anything is sent, from every verb', async (t) => {
  const server = await startCountingServer(t);
  const session = new Session({ baseURL: server.origin });
  t.after(() => session.close());
  const retries = 'Unknown option "retries" in request options — did you mean "retry"?';
  const typo = { retries: 2 } as RequestOptions;
  await assert.rejects(session.get('/', typo), invalid(retries));
  await assert.rejects(session.head('/', typo), invalid(retries));
  await assert.rejects(session.post('/', typo), invalid(retries));
  await assert.rejects(session.request('PUT', '/', typo), invalid(retries));
  await assert.rejects(
    session.get('/', { baseURL: server.origin } as RequestOptions),
    invalid('Unknown option "baseURL" in request options — it is one of the session options'),
  );
  await assert.rejects(
    session.get('/', { priority: 1 } as RequestOptions),
    invalid(
      'Unknown option "priority" in request options — it is one of the FuturesSession request options',
    ),
  );
  assert.equal(server.requests, 0);
});

test('a typo in a nested option object names that object', async () => {
  const session = new Session();
  const cases: [RequestOptions, string][] = [
    [
      { timeout: { totl: 5 } } as RequestOptions,
      'Unknown option "totl" in timeout options — did you mean "total"?',
    ],
    [
      { retry: { limt: 1 } } as RequestOptions,
      'Unknown option "limt" in retry options — did you mean "limit"?',
    ],
    [
      { redirect: { maxx: 1 } } as RequestOptions,
      'Unknown option "maxx" in redirect options — did you mean "max"?',
    ],
    [
      { hooks: { beforeRequests: [] } } as RequestOptions,
      'Unknown option "beforeRequests" in hooks — did you mean "beforeRequest"?',
    ],
    [
      { auth: { username: 'u', pasword: 'p' } } as unknown as RequestOptions,
      'Unknown option "pasword" in auth options — did you mean "password"?',
    ],
    [
      { proxy: { uri: 'http://127.0.0.1:1', tokn: 't' } } as RequestOptions,
      'Unknown option "tokn" in proxy options — did you mean "token"?',
    ],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(session.get('http://127.0.0.1:1/', options), invalid(message));
    assert.throws(() => new Session(options as SessionOptions), invalid(message));
  }
  await session.close();
});

test('a request takes every key of a full RequestOptions object, and one spread from session defaults', async (t) => {
  const server = await startServer(t, (_, response) => {
    response.end('ok');
  });
  const session = new Session({ baseURL: server.origin });
  t.after(() => session.close());
  const {
    baseURL,
    allowAbsoluteURLs,
    cookieJar,
    connections,
    keepAliveTimeout,
    pipelining,
    http2,
    http2Sessions,
    telemetry,
    policies,
    coalesce,
    redactParams,
    ...common
  } = EVERY_SESSION_OPTION;
  const everyRequestOption: EveryKey<RequestOptions> = {
    ...common,
    json: { a: 1 },
    form: undefined,
    body: undefined,
    signal: new AbortController().signal,
    stream: false,
    deadline: 60_000,
  };
  const response = await session.post('/', everyRequestOption as RequestOptions);
  assert.equal(response.status, 200);
  // Defaults the caller built for sessions, spread into a request: the keys a request shares.
  assert.equal((await session.get('/', { ...common } as RequestOptions)).status, 200);
});
