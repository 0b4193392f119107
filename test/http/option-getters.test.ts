import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  InvalidOptionError,
  InvalidRequestError,
  Session,
  type SessionOptions,
  type SessionPolicy,
} from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

type Context = Parameters<typeof startServer>[0];

/** Thrown by the getters below, to tell the caller's error from fanout's. */
class GetterError extends Error {
  override name = 'GetterError';
}

/** `holder` with an enumerable getter at `key` that throws a {@link GetterError}. */
function throwingAt<T extends object>(holder: T, key: string | number): T {
  return Object.defineProperty(holder, key, {
    enumerable: true,
    get() {
      throw new GetterError('no value');
    },
  });
}

/**
 * `holder` with an enumerable getter at `key` that answers `first` once and `later` after that,
 * and a count of its reads: a value read twice could pass the check and go out unchecked.
 */
function changingAt<T extends object>(
  holder: T,
  key: string | number,
  first: unknown,
  later: unknown,
) {
  const counter = { reads: 0 };
  Object.defineProperty(holder, key, {
    enumerable: true,
    get: () => (counter.reads++ === 0 ? first : later),
  });
  return { holder, counter };
}

/** Whether `error` is the InvalidOptionError a throwing getter at `path` must become. */
function isGetterFailure(path: string) {
  return (error: unknown) =>
    error instanceof InvalidOptionError &&
    error.message === `Reading \`${path}\` threw: GetterError: no value` &&
    error.cause instanceof GetterError;
}

/** A server that counts requests: a refused call must reach none. */
async function counted(t: Context) {
  const seen = { requests: 0 };
  const server = await startServer(t, (request, response) => {
    seen.requests++;
    void echo(request, response);
  });
  return { server, seen };
}

/** Each option that holds a record or a list, with a getter that throws at `path`. */
const THROWING: [path: string, options: () => SessionOptions][] = [
  ['headers.x-id', () => ({ headers: throwingAt({}, 'x-id') })],
  ['headers.x-list[1]', () => ({ headers: { 'x-list': throwingAt(['a', 'b'], 1) } })],
  ['params.page', () => ({ params: throwingAt({}, 'page') })],
  ['params.tag[0]', () => ({ params: { tag: throwingAt(['a'], 0) } })],
  ['redirect.max', () => ({ redirect: throwingAt({}, 'max') })],
  ['retry.methods[0]', () => ({ retry: { methods: throwingAt(['GET'], 0) } })],
  ['retry.statusCodes[0]', () => ({ retry: { statusCodes: throwingAt([503], 0) } })],
  ['hooks.beforeRequest[0]', () => ({ hooks: { beforeRequest: throwingAt([() => {}], 0) } })],
  ['proxy.uri', () => ({ proxy: throwingAt({}, 'uri') as never })],
  ['ca[0]', () => ({ ca: throwingAt(['pem'], 0) })],
];

for (const [path, options] of THROWING) {
  test(`a getter that throws at ${path} → InvalidOptionError with it as cause (session and request)`, async (t) => {
    assert.throws(() => new Session(options()), isGetterFailure(path));
    const { server, seen } = await counted(t);
    const session = openSession(t, { baseURL: server.origin });
    await assert.rejects(session.get('/', options() as never), isGetterFailure(path));
    assert.equal(seen.requests, 0);
  });
}

test('a getter that throws in a form → InvalidOptionError; in a json body → InvalidRequestError, unsent', async (t) => {
  const { server, seen } = await counted(t);
  const session = openSession(t, { baseURL: server.origin });
  await assert.rejects(session.post('/', { form: throwingAt({}, 'q') }), isGetterFailure('form.q'));
  await assert.rejects(
    session.post('/', { json: { user: throwingAt({}, 'name') } }),
    (error: unknown) =>
      error instanceof InvalidRequestError &&
      error.message === '`json` cannot be serialised: no value' &&
      error.cause instanceof GetterError,
  );
  assert.equal(seen.requests, 0);
});

test('a getter that throws at policies[0].name → InvalidOptionError with it as cause', () => {
  const policy = throwingAt({}, 'name') as SessionPolicy;
  assert.throws(() => new Session({ policies: [policy] }), isGetterFailure('policies[0].name'));
});

test('a header value is read once: what is sent is what was checked', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  // A getter that answers the check with a good value, and any later read with a smuggled header.
  const single = changingAt({}, 'x-id', 'good', 'x\r\nx-admin: 1');
  const seen = (await session.get('/', { headers: single.holder })).json<Echo>();
  assert.equal(seen.headers['x-id'], 'good');
  assert.equal(single.counter.reads, 1);
  const item = changingAt(['a', 'b'], 1, 'b', 'x\r\nx-admin: 1');
  const listed = (await session.get('/', { headers: { 'x-list': item.holder } })).json<Echo>();
  assert.equal(listed.headers['x-list'], 'a, b');
  assert.equal(item.counter.reads, 1);
  // The session's own headers are read once, at construction, and kept.
  const own = changingAt({}, 'x-own', 'good', 'x\r\nx-admin: 1');
  const fixed = openSession(t, { baseURL: server.origin, headers: own.holder });
  await fixed.get('/');
  assert.equal((await fixed.get('/')).json<Echo>().headers['x-own'], 'good');
  assert.equal(own.counter.reads, 1);
});

test('a params value is read once: what is sent is what was checked', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const single = changingAt({}, 'page', '2', { toString: () => 'x' });
  assert.equal((await session.get('/', { params: single.holder })).json<Echo>().url, '/?page=2');
  assert.equal(single.counter.reads, 1);
  const item = changingAt(['a', 'b'], 0, 'a', Symbol('later'));
  const listed = (await session.get('/', { params: { tag: item.holder } })).json<Echo>();
  assert.equal(listed.url, '/?tag=a&tag=b');
  assert.equal(item.counter.reads, 1);
});

test('retry lists, hook lists, policies, proxy and ca are read once into copies: later changes change nothing', async (t) => {
  // Each checked list is copied: an item a getter changes, or the caller replaces, is never used.
  const methods = changingAt(['GET'], 0, 'GET', 42);
  const statusCodes = changingAt([503], 0, 503, 'x');
  const beforeRequest: unknown[] = [() => {}];
  const policies: unknown[] = [{ name: 'noop' }];
  const ca = changingAt(['pem'], 0, 'pem', 42);
  const proxy = changingAt({}, 'uri', 'http://127.0.0.1:1', 'ftp://elsewhere');
  const options = {
    retry: { limit: 0, methods: methods.holder, statusCodes: statusCodes.holder },
    hooks: { beforeRequest },
    policies,
    ca: ca.holder,
    proxy: proxy.holder,
  } as unknown as SessionOptions;
  const session = openSession(t, options);
  beforeRequest.push('not a hook');
  policies.push({ name: 42 });
  for (const counter of [methods, statusCodes, ca, proxy].map((given) => given.counter)) {
    assert.equal(counter.reads, 1);
  }
  // The request is sent through the checked proxy (nothing listens on port 1).
  const error = await session.get('http://127.0.0.1:2/').catch((e: unknown) => e);
  assert.equal((error as Error).name, 'ConnectionError');
  assert.equal(proxy.counter.reads, 1);
});
