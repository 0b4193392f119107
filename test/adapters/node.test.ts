import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { Fanout, type FanoutOptions } from '../../src/adapters/node.ts';
import { FuturesSession, InvalidOptionError } from '../../src/index.ts';
import { collectGarbageUntil } from '../futures/helpers.ts';
import { startBackend } from '../helpers/backend.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { adapterScenarios, client, type Route } from './harness.ts';

/** A node:http server whose handler comes from `fanout.handler`, mounting `route`. */
async function startApp(t: TestContext, options: FanoutOptions, route: Route) {
  const fanout = new Fanout(options);
  t.after(() => fanout.close());
  const server = await startServer(
    t,
    fanout.handler(async (request, response, view) => {
      const [, kind = '', name = ''] = (request.url ?? '').split('/');
      const answer = await route(view, kind, name);
      if (answer.serverTiming !== undefined)
        response.setHeader('server-timing', answer.serverTiming);
      response.end(answer.body);
    }),
  );
  return { origin: server.origin, fanout };
}

adapterScenarios('node:http', startApp);

test('node:http: errors of the handler go to onError, the disconnect cancellation does not', async (t) => {
  const backend = await startBackend(t);
  const fanout = new Fanout({ session: { baseURL: backend.origin } });
  t.after(() => fanout.close());
  const errors: unknown[] = [];
  const server = await startServer(
    t,
    fanout.handler(
      async (request, response, view) => {
        if (request.url === '/broken') throw new Error('broken handler');
        await view.get('/hold/forever');
        response.end('never');
      },
      (error, _request, response) => {
        errors.push(error);
        response.statusCode = 502;
        response.end('handled');
      },
    ),
  );
  const fetch = client(t);
  const broken = await fetch(`${server.origin}/broken`);
  assert.deepEqual([broken.status, broken.body], [502, 'handled']);
  const leaving = new AbortController();
  const left = fetch(`${server.origin}/held`, leaving.signal).catch(() => 'aborted');
  const arrival = await backend.arrival('/hold/forever');
  leaving.abort();
  await arrival.abandoned;
  assert.equal(await left, 'aborted');
  assert.deepEqual(
    errors.map((error) => (error as Error).message),
    ['broken handler'],
  );
});

test('node:http: the default onError answers 500, a synchronous throw included', async (t) => {
  const fanout = new Fanout();
  t.after(() => fanout.close());
  const logged = t.mock.method(console, 'error', () => {});
  const server = await startServer(
    t,
    fanout.handler(() => {
      throw new Error('sync failure');
    }),
  );
  const answer = await client(t)(`${server.origin}/`);
  assert.deepEqual([answer.status, answer.body], [500, 'Internal Server Error']);
  assert.deepEqual(logged.mock.calls[0]?.arguments, [new Error('sync failure')]);
});

test('node:http: open gives one view per response', async (t) => {
  const fanout = new Fanout();
  t.after(() => fanout.close());
  const server = await startServer(t, (request, response) => {
    const first = fanout.open(request, response);
    const second = fanout.open(request, response);
    response.end(String(first === second));
  });
  assert.equal((await client(t)(`${server.origin}/`)).body, 'true');
});

test('close() closes a session the Fanout created, and leaves a given one open', async () => {
  const created = new Fanout({ session: { maxWorkers: 2 } });
  await created.close();
  assert.equal(created.session.executor.isShutdown, true);

  const shared = new FuturesSession();
  const adopted = new Fanout({ session: shared });
  assert.equal(adopted.session, shared);
  await adopted.close();
  assert.equal(shared.executor.isShutdown, false);
  await shared.close();
});

test('bad Fanout options are typed errors', () => {
  const cases: [unknown, RegExp][] = [
    [{ trace: 'yes' }, /^Expected `trace` to be a boolean, got "yes" \(string\)$/],
    [{ traceContext: 1 }, /^Expected `traceContext` to be a boolean, got 1 \(number\)$/],
    [
      { session: 8 },
      /^Expected `session` to be a FuturesSession or its options, got 8 \(number\)$/,
    ],
    [{ session: null }, /^Expected `session` to be a FuturesSession or its options, got null/],
    [
      { baseURL: 'http://api' },
      /^Unknown option "baseURL" in Fanout options — it is one of the FuturesSession options \(they go under `session`\)$/,
    ],
    ['fast', /^Expected `options` to be an object, got "fast" \(string\)$/],
    [{ session: { maxWorkers: 0 } }, /^Expected `maxWorkers` to be a positive integer, got 0/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => new Fanout(options as FanoutOptions),
      (error) => error instanceof InvalidOptionError && message.test(error.message),
      String(message),
    );
  }
  const fanout = new Fanout();
  assert.throws(() => fanout.handler('nope' as never), InvalidOptionError);
  assert.throws(() => fanout.handler(() => {}, 5 as never), InvalidOptionError);
});

test('node:http: a finished request leaves nothing behind in the shared Fanout', async (t) => {
  const backend = await startBackend(t);
  const fanout = new Fanout({ session: { baseURL: backend.origin } });
  t.after(() => fanout.close());
  // A registry, not WeakRefs: a WeakRef read keeps its target alive until the job ends.
  const collected = new Set<number>();
  const registry = new FinalizationRegistry<number>((round) => collected.add(round));
  let round = 0;
  const server = await startServer(
    t,
    fanout.handler(async (_request, response, view) => {
      registry.register(view, round++);
      const unawaited = view.get('/background'); // left to finish on its own
      response.end((await view.get('/plain')).text);
      await unawaited;
    }),
  );
  const fetch = client(t);
  for (let request = 0; request < 5; request++) await fetch(`${server.origin}/`);
  await fanout.session.executor.onIdle();
  await collectGarbageUntil(() => collected.size === 5);
  assert.deepEqual([...collected].sort(), [0, 1, 2, 3, 4]);
});

test('node:http: a view opened after the client has gone is cancelled from the start', async (t) => {
  const backend = await startBackend(t);
  const fanout = new Fanout({ session: { baseURL: backend.origin } });
  t.after(() => fanout.close());
  const gone = deferred<{ cancelled: boolean; sent: boolean }>();
  const arrived = deferred();
  const server = await startServer(t, (request, response) => {
    arrived.resolve();
    response.once('close', () => {
      // As when an earlier middleware is still busy while the client leaves.
      const view = fanout.open(request, response);
      gone.resolve({ cancelled: view.isCancelled, sent: !view.get('/late').cancelled() });
    });
  });
  const leaving = new AbortController();
  const left = client(t)(`${server.origin}/`, leaving.signal).catch(() => 'aborted');
  await arrived.promise;
  leaving.abort();
  assert.deepEqual(await gone.promise, { cancelled: true, sent: false });
  assert.equal(await left, 'aborted');
  assert.deepEqual(backend.paths, []);
});
