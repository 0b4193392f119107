import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import express, { type ErrorRequestHandler } from 'express';
import { expressFanout, Fanout, type FanoutOptions } from '../../src/adapters/express.ts';
import { CancelledError, InvalidOptionError } from '../../src/index.ts';
import { startBackend } from '../helpers/backend.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { adapterScenarios, client, type Route } from './harness.ts';

/** An Express 5 app with the middleware, mounting `route`; `errors` gets what reaches Express's error handling. */
async function startApp(
  t: TestContext,
  options: FanoutOptions,
  route: Route,
  errors: unknown[] = [],
) {
  const fanout = new Fanout(options);
  const app = express();
  app.use(expressFanout(fanout));
  app.get('/:kind/:name', async (request, response) => {
    const answer = await route(
      request.fanout,
      request.params.kind ?? '',
      request.params.name ?? '',
    );
    if (answer.serverTiming !== undefined) response.set('server-timing', answer.serverTiming);
    response.send(answer.body);
  });
  const onError: ErrorRequestHandler = (error, _request, response, _next) => {
    errors.push(error);
    if (!response.headersSent) response.status(500).end();
  };
  app.use(onError);
  const server = await startServer(t, app);
  server.server.once('close', () => fanout.close());
  return { origin: server.origin, fanout, close: server.close };
}

adapterScenarios('Express', startApp);

test("Express: a disconnect's cancellation reaches the app's error handler as a CancelledError", async (t) => {
  const backend = await startBackend(t);
  const errors: unknown[] = [];
  const reached = deferred();
  const app = await startApp(
    t,
    { session: { baseURL: backend.origin } },
    async (view) => {
      try {
        return { body: (await view.get('/hold/x')).text };
      } finally {
        reached.resolve();
      }
    },
    errors,
  );
  const leaving = new AbortController();
  const left = client(t)(`${app.origin}/page/x`, leaving.signal).catch(() => 'aborted');
  const arrival = await backend.arrival('/hold/x');
  leaving.abort();
  await Promise.all([arrival.abandoned, reached.promise, left]);
  await new Promise((resolve) => setImmediate(resolve)); // Express hands the rejection on
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof CancelledError);
});

test('Express: the app closes its Fanout with its server', async (t) => {
  const app = await startApp(t, {}, async () => ({ body: '' }));
  assert.equal(app.fanout.session.executor.isShutdown, false);
  await app.close();
  assert.equal(app.fanout.session.executor.isShutdown, true);
});

test('expressFanout takes a Fanout, or throws a typed error', () => {
  assert.throws(
    () => expressFanout({ session: {} } as unknown as Fanout),
    (error) =>
      error instanceof InvalidOptionError &&
      error.message === 'Expected `fanout` to be a Fanout, got [object Object] (object)',
  );
});
