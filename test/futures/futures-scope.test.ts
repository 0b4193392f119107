import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import {
  CancelledError,
  Executor,
  Future,
  FuturesScope,
  FuturesSession,
  type FuturesSessionOptions,
  InvalidOptionError,
} from '../../src/index.ts';
import { startBackend } from '../helpers/backend.ts';
import { startServer } from '../helpers/server.ts';
import { flush } from './helpers.ts';

/** A FuturesSession closed (pending work cancelled) when the test ends. */
function openFutures(t: TestContext, options: FuturesSessionOptions = {}): FuturesSession {
  const session = new FuturesSession(options);
  t.after(() => session.close({ cancelPending: true }));
  return session;
}

test('cancelAll cancels the running and queued futures of its scope and nothing of another', async (t) => {
  const backend = await startBackend(t);
  const session = openFutures(t, { baseURL: backend.origin, maxWorkers: 3 });
  const mine = session.scope();
  const other = session.scope();
  const a1 = mine.get('/hold/a1');
  const a2 = mine.get('/hold/a2');
  const b1 = other.get('/hold/b1');
  const a3 = mine.get('/hold/a3'); // queued: three workers are busy
  const [arrivedA1, arrivedA2] = await Promise.all([
    backend.arrival('/hold/a1'),
    backend.arrival('/hold/a2'),
    backend.arrival('/hold/b1'),
  ]);
  assert.equal(a3.running(), false);
  assert.equal(mine.pending, 3);

  assert.equal(mine.cancelAll(new Error('client left')), 3);

  assert.ok(a1.cancelled() && a2.cancelled() && a3.cancelled());
  await Promise.all([arrivedA1.abandoned, arrivedA2.abandoned]); // the backend saw them go
  assert.equal(mine.pending, 0);
  assert.equal(b1.running(), true);
  backend.release('/hold/b1');
  assert.equal((await b1).text, '/hold/b1');
  assert.equal(backend.paths.includes('/hold/a3'), false, 'the queued request was never sent');
  const error = await a1.exception().catch((reason: unknown) => reason);
  assert.ok(error instanceof CancelledError);
  assert.equal((error.cause as Error).message, 'client left');
});

test('a scope shares its session executor, and done futures leave it', async (t) => {
  const backend = await startBackend(t);
  const executor = new Executor({ maxWorkers: 1 });
  t.after(() => executor.shutdown());
  const session = openFutures(t, { baseURL: backend.origin, executor });
  const one = session.scope();
  const two = new FuturesScope(session);
  assert.equal(one.session, two.session);
  const first = one.get('/hold/first');
  const second = two.get('/second'); // waits for the one worker
  await backend.arrival('/hold/first');
  assert.equal(executor.active, 1);
  assert.equal(executor.queued, 1);
  backend.release('/hold/first');
  await Promise.all([first, second]);
  assert.equal(one.pending, 0);
  assert.equal(two.pending, 0);
  assert.equal(one.cancelAll(), 0, 'nothing left to cancel');
});

test('after cancelAll, requests made through the scope are cancelled at once and never sent', async (t) => {
  const backend = await startBackend(t);
  const session = openFutures(t, { baseURL: backend.origin });
  const scope = session.scope();
  const reason = new CancelledError('The client disconnected');
  scope.cancelAll(reason);
  scope.cancelAll(new Error('a second reason is ignored'));
  assert.equal(scope.isCancelled, true);

  const late = scope.post('/late', { body: 'x' });
  assert.equal(late.cancelled(), true);
  await assert.rejects(late.result(), (error) => error === reason);
  const tracked = scope.track(Future.from(() => new Promise<void>(() => {})));
  assert.equal(tracked.cancelled(), true);
  await flush();
  assert.deepEqual(backend.paths, []);
  assert.equal(session.scope().get('/fresh').cancelled(), false, 'other scopes go on');
});

test('track adopts any future; a done one is returned as is', async (t) => {
  const session = openFutures(t);
  const scope = session.scope();
  const work = scope.track(
    session.executor.submit(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    ),
  );
  const done = scope.track(Future.resolve(1));
  assert.equal(scope.pending, 1);
  assert.equal(scope.cancelAll(), 1);
  assert.equal(work.cancelled(), true);
  assert.equal(await done, 1);
});

test('head through a scope does not follow redirects unless asked', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/moved') response.writeHead(302, { location: '/target' });
    response.end();
  });
  const session = openFutures(t, { baseURL: server.origin });
  const scope = session.scope();
  assert.equal((await scope.head('/moved')).status, 302);
  assert.equal((await scope.head('/moved', { redirect: true })).status, 200);
});

test('bad input to a scope is a typed error', (t) => {
  const session = openFutures(t);
  assert.throws(
    () => new FuturesScope({} as FuturesSession),
    (error) =>
      error instanceof InvalidOptionError &&
      error.message === 'Expected `session` to be a FuturesSession, got [object Object] (object)',
  );
  assert.throws(
    () => session.scope().track(Promise.resolve(1) as unknown as Future<number>),
    InvalidOptionError,
  );
});

test('the scope signal is aborted by cancelAll, with its reason', (t) => {
  const session = openFutures(t);
  const early = session.scope();
  const signal = early.signal;
  assert.equal(signal.aborted, false);
  assert.equal(early.signal, signal, 'one signal per scope');
  const reason = new CancelledError('gone');
  early.cancelAll(reason);
  assert.equal(signal.reason, reason);

  const late = session.scope();
  late.cancelAll('gone');
  assert.ok(late.signal.aborted, 'read after cancelAll: aborted already');
  assert.ok(late.signal.reason instanceof CancelledError);
});
