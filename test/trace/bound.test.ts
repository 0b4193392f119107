import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  currentTrace,
  type Future,
  FuturesSession,
  InvalidOptionError,
  type Response,
  Trace,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { type Equal, expectTrue } from '../helpers/types.ts';
import { openSession } from '../http/fixtures.ts';

function pathsOf(trace: Trace): string[] {
  return trace.requests.map((record) => new URL(record.url).pathname);
}

test('a bound FuturesSession records its requests and the blocked time, with no async context', {
  timeout: 10_000,
}, async (t) => {
  const release = deferred();
  const server = await startServer(t, async (request, response) => {
    request.resume();
    if (request.url === '/slow') await release.promise;
    response.end(request.url);
  });
  const session = new FuturesSession({ baseURL: server.origin });
  t.after(() => session.close());
  const trace = new Trace({ name: 'bound' });
  const api = trace.bind(session);
  const slow = api.get('/slow');
  const unbound = session.get('/unbound');
  assert.equal(currentTrace(), undefined, 'binding enters no AsyncLocalStorage context');
  setImmediate(() => release.resolve());
  assert.equal((await slow).text, '/slow');
  await unbound;
  trace.end();
  assert.deepEqual(pathsOf(trace), ['/slow'], 'only the bound view records');
  assert.ok((trace.requests[0]?.blocked ?? 0) > 0, 'the await on the slow request was blocked');
});

test('views of two traces over one session keep their requests apart', async (t) => {
  const server = await startServer(t, (request, response) => {
    request.resume();
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin });
  const [first, second] = [new Trace(), new Trace()];
  const [a, b] = [first.bind(session), second.bind(session)];
  await Promise.all([a.get('/a1'), b.post('/b1', { json: {} }), a.request('PUT', '/a2')]);
  assert.deepEqual(pathsOf(first), ['/a1', '/a2']);
  assert.deepEqual(pathsOf(second), ['/b1']);
  assert.deepEqual(
    first.requests.map((record) => record.method),
    ['GET', 'PUT'],
  );
});

test('a bound view wins over the trace of the async context', async (t) => {
  const server = await startServer(t, (request, response) => {
    request.resume();
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin });
  const [outer, bound] = [new Trace({ name: 'outer' }), new Trace({ name: 'bound' })];
  const api = bound.bind(session);
  await outer.run(async () => {
    await api.get('/bound');
    await session.get('/outer');
  });
  assert.deepEqual(pathsOf(bound), ['/bound']);
  assert.deepEqual(pathsOf(outer), ['/outer']);
});

test('binding something without request methods is an InvalidOptionError', () => {
  const trace = new Trace();
  for (const value of [42, null, {}, 'session']) {
    assert.throws(
      () => trace.bind(value as unknown as FuturesSession),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.message.startsWith(
          'Expected `session` to be a Session, FuturesSession or FuturesScope, got',
        ),
    );
  }
});

test('a bound view keeps the types of its session (type test)', (t) => {
  const trace = new Trace();
  const futures = new FuturesSession();
  t.after(() => futures.close());
  const session = openSession(t);
  const fromFutures = trace.bind(futures);
  const fromSession = trace.bind(session);
  expectTrue<Equal<ReturnType<typeof fromFutures.get>, Future<Response>>>();
  expectTrue<Equal<ReturnType<typeof fromSession.get>, Promise<Response>>>();
  expectTrue<Equal<ReturnType<typeof fromSession.request>, Promise<Response>>>();
});
