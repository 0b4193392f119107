import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import Fastify from 'fastify';
import { type FanoutOptions, fastifyFanout } from '../../src/adapters/fastify.ts';
import { FuturesSession, InvalidOptionError } from '../../src/index.ts';
import { startBackend } from '../helpers/backend.ts';
import { adapterScenarios, type Route } from './harness.ts';

/** A Fastify 5 app with the plugin registered with `options`, mounting `route`. */
async function startApp(t: TestContext, options: FanoutOptions, route: Route) {
  const app = Fastify();
  t.after(() => app.close());
  await app.register(fastifyFanout, options);
  app.get<{ Params: { kind: string; name: string } }>('/:kind/:name', async (request, reply) => {
    const answer = await route(request.fanout, request.params.kind, request.params.name);
    if (answer.serverTiming !== undefined) reply.header('server-timing', answer.serverTiming);
    return answer.body;
  });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { origin, fanout: app.fanout, app };
}

adapterScenarios('Fastify', startApp);

test('Fastify: the plugin reaches routes registered in other contexts, and POST bodies', async (t) => {
  const backend = await startBackend(t);
  const app = Fastify();
  t.after(() => app.close());
  await app.register(fastifyFanout, {
    session: { baseURL: backend.origin },
    traceContext: true,
  });
  await app.register(
    async (child) => {
      child.post('/echo', async (request) => {
        await request.fanout.session.get('/direct'); // the handler runs in the request's trace
        await request.fanout.get(`/through-view`);
        return (request.fanout.trace?.requests ?? []).map((record) => new URL(record.url).pathname);
      });
    },
    { prefix: '/child' },
  );
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const answer = await fetch(`${origin}/child/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ big: 'x'.repeat(100_000) }),
  });
  assert.deepEqual(await answer.json(), ['/direct', '/through-view']);
});

test('Fastify: app.close() closes the session the plugin created, not a given one', async (t) => {
  const created = await startApp(t, {}, async () => ({ body: '' }));
  await created.app.close();
  assert.equal(created.fanout.session.executor.isShutdown, true);

  const shared = new FuturesSession();
  t.after(() => shared.close());
  const adopting = await startApp(t, { session: shared }, async () => ({ body: '' }));
  assert.equal(adopting.fanout.session, shared);
  await adopting.app.close();
  assert.equal(shared.executor.isShutdown, false);
});

test('Fastify: bad plugin options fail the registration with a typed error', async () => {
  const app = Fastify();
  app.register(fastifyFanout, { trace: 1 } as unknown as FanoutOptions);
  await assert.rejects(
    async () => {
      await app.ready();
    },
    (error: unknown) =>
      error instanceof InvalidOptionError &&
      error.message === 'Expected `trace` to be a boolean, got 1 (number)',
  );
});
