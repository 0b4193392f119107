import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { Agent, request } from 'undici';
import { expressFanout } from '../../src/adapters/express.ts';
import { fastifyFanout } from '../../src/adapters/fastify.ts';
import { Fanout, type RequestFanout } from '../../src/adapters/node.ts';
import { definePage, html } from '../../src/index.ts';
import { type Backend, startBackend } from '../helpers/backend.ts';
import { deferred, startServer } from '../helpers/server.ts';

/**
 * The page every adapter streams at `GET /page/:name`: a primary section answered at once, and a
 * second one held by the backend until the test releases `/hold/<name>`.
 */
const page = definePage<{ name: string }>({
  name: 'shop',
  head: html`<!doctype html><title>shop</title><body>`,
  tail: html`</body>`,
})
  .section('user', {
    primary: true,
    data: async (_, { get, input }) => (await get(`/user-${input.name}`)).text,
    render: (user) => html`<p id="user">${user}</p>`,
  })
  .section('recs', {
    data: async (_, { get, input }) => (await get(`/hold/${input.name}`)).text,
    render: (recs) => html`<p id="recs">${recs}</p>`,
  });

/** A page whose primary section waits for `/hold/<name>`: nothing is sent before it answers. */
const heldPage = definePage<{ name: string }>({ name: 'held', head: html`<body>` }).section(
  'main',
  {
    primary: true,
    data: async (_, { get, input }) => (await get(`/hold/${input.name}`)).text,
    render: (text) => html`<main>${text}</main>`,
  },
);

/** The page a request for `/page/<name>` gets: {@link heldPage} for names starting with `held`. */
function pageFor(name: string) {
  return name.startsWith('held') ? heldPage : page;
}

/**
 * A client pool destroyed when `t` ends, before the app is closed (hooks run in the order they are
 * registered): Fastify's `close()` waits for a keep-alive connection it did not close as idle.
 */
function clientAgent(t: TestContext): Agent {
  const agent = new Agent();
  t.after(() => agent.destroy());
  return agent;
}

/** Starts an app of one adapter streaming {@link page}; `views` gets each request's view. */
type StartPageApp = (
  t: TestContext,
  backend: Backend,
  views: Map<string, RequestFanout>,
) => Promise<string>;

const adapters: Record<string, StartPageApp> = {
  async 'node:http'(t, backend, views) {
    const fanout = new Fanout({ session: { baseURL: backend.origin } });
    t.after(() => fanout.close());
    const server = await startServer(
      t,
      fanout.handler((incoming, _response, view) => {
        const name = (incoming.url ?? '').split('/')[2] ?? '';
        views.set(name, view);
        return view.streamPage(pageFor(name), { input: { name }, trailers: true });
      }),
    );
    return server.origin;
  },
  async Express(t, backend, views) {
    const fanout = new Fanout({ session: { baseURL: backend.origin } });
    t.after(() => fanout.close());
    const app = express();
    app.use(expressFanout(fanout));
    app.get('/page/:name', (incoming) => {
      const name = incoming.params.name ?? '';
      views.set(name, incoming.fanout);
      return incoming.fanout.streamPage(pageFor(name), { input: { name }, trailers: true });
    });
    return (await startServer(t, app)).origin;
  },
  async Fastify(t, backend, views) {
    const app = Fastify();
    t.after(() => app.close());
    await app.register(fastifyFanout, { session: { baseURL: backend.origin } });
    app.get<{ Params: { name: string } }>('/page/:name', (incoming, reply) => {
      views.set(incoming.params.name, incoming.fanout);
      const { name } = incoming.params;
      return reply.streamPage(pageFor(name), { input: { name }, trailers: true });
    });
    return app.listen({ port: 0, host: '127.0.0.1' });
  },
};

for (const [adapter, start] of Object.entries(adapters)) {
  test(`${adapter}: streams a page, head and first section before the slow one`, async (t) => {
    const agent = clientAgent(t);
    const backend = await startBackend(t);
    const views = new Map<string, RequestFanout>();
    const origin = await start(t, backend, views);
    const response = await request(`${origin}/page/ann`, { dispatcher: agent });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.match(String(response.headers['server-timing']), /user/);
    let received = '';
    for await (const chunk of response.body) {
      received += String(chunk);
      if (received.includes('<p id="user">/user-ann</p>')) break;
    }
    // The first section is out while the second's backend request is still held.
    assert.equal((await backend.arrival('/hold/ann')).answered, false);
    backend.release('/hold/ann');
    const whole = await request(`${origin}/page/bob`, { dispatcher: agent });
    backend.release('/hold/bob');
    const text = await whole.body.text();
    assert.match(text, /<p id="user">\/user-bob<\/p>.*<p id="recs">\/hold\/bob<\/p><\/body>$/s);
    assert.match(String(whole.trailers['server-timing']), /recs/);
    const trace = views.get('bob')?.trace;
    assert.deepEqual(
      trace?.requests.map((record) => new URL(record.url).pathname),
      ['/user-bob', '/hold/bob'],
      "the page's requests join the incoming request's trace",
    );
  });

  test(`${adapter}: the client leaving mid-page cancels that page's requests only`, async (t) => {
    const agent = clientAgent(t);
    const backend = await startBackend(t);
    const views = new Map<string, RequestFanout>();
    const origin = await start(t, backend, views);
    const leaving = new AbortController();
    const firstSection = deferred();
    const left = request(`${origin}/page/ann`, { dispatcher: agent, signal: leaving.signal })
      .then(async (response) => {
        for await (const chunk of response.body) {
          if (String(chunk).includes('id="user"')) firstSection.resolve();
        }
      })
      .catch((error: unknown) => error);
    const stays = request(`${origin}/page/bob`, { dispatcher: agent });
    const [annHeld] = await Promise.all([
      backend.arrival('/hold/ann'),
      backend.arrival('/hold/bob'),
      firstSection.promise,
    ]);

    leaving.abort();

    await annHeld.abandoned; // the backend sees the page's held request go
    assert.equal(((await left) as Error).name, 'AbortError');
    assert.equal(views.get('ann')?.signal.aborted, true);
    assert.equal(views.get('bob')?.signal.aborted, false);
    backend.release('/hold/bob');
    assert.match(await (await stays).body.text(), /<p id="recs">\/hold\/bob<\/p>/);
  });
}

for (const [adapter, start] of Object.entries(adapters)) {
  test(`${adapter}: the client leaving before the first byte cancels the page's requests`, async (t) => {
    const agent = clientAgent(t);
    const backend = await startBackend(t);
    const views = new Map<string, RequestFanout>();
    const origin = await start(t, backend, views);
    const leaving = new AbortController();
    const left = request(`${origin}/page/held-ann`, {
      dispatcher: agent,
      signal: leaving.signal,
    }).catch((error: unknown) => error);
    const held = await backend.arrival('/hold/held-ann');

    leaving.abort(); // the page's head is not decided yet: nothing is piped to the response

    await held.abandoned;
    assert.equal(((await left) as Error).name, 'AbortError');
    assert.equal(views.get('held-ann')?.signal.aborted, true);
  });
}
