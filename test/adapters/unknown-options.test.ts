/**
 * Typos are errors at the adapters' entry points: `new Fanout(options)`, the Fastify plugin's
 * options, a view's `renderPage`, and `streamPage` of the node:http, Express and Fastify
 * adapters. An unknown key throws (or rejects) with an InvalidOptionError naming it, where it was
 * read and the nearest option, before the page asks for any data or sends a byte of it; an
 * options object with every key is accepted, held to the entry point's registry.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import express, { type ErrorRequestHandler } from 'express';
import Fastify from 'fastify';
import { Agent, request } from 'undici';
import { expressFanout } from '../../src/adapters/express.ts';
import { FANOUT_OPTIONS } from '../../src/adapters/fanout.ts';
import { fastifyFanout } from '../../src/adapters/fastify.ts';
import {
  Fanout,
  type FanoutOptions,
  type RequestFanout,
  type StreamPageOptions,
} from '../../src/adapters/node.ts';
import { definePage, html, type RenderOptions, Trace } from '../../src/index.ts';
import { STREAM_PAGE_OPTIONS } from '../../src/page/known-options.ts';
import { assertSameKeys, type EveryKey, unknownOption } from '../helpers/options.ts';
import { startServer } from '../helpers/server.ts';

const TRAILER = 'Unknown option "trailer" in streamPage options — did you mean "trailers"?';

/** A page of one section whose data counts the times it is asked for. */
function countingPage() {
  const asked = { count: 0 };
  const page = definePage<{ name: string }>({ head: html`<body>` }).section('main', {
    data: (_, { input }) => `${input.name} ${++asked.count}`,
    render: (text) => html`<p>${text}</p>`,
  });
  return { page, asked };
}

type CountingPage = ReturnType<typeof countingPage>['page'];

/** The options of `streamPage` for a request to `/typo` (a misspelt key) or `/every` (every key). */
function streamOptions(path: string, view: RequestFanout): StreamPageOptions<{ name: string }> {
  if (path === '/typo') {
    return { input: { name: 'ann' }, trailer: true } as StreamPageOptions<{ name: string }>;
  }
  const every: EveryKey<StreamPageOptions<{ name: string }>> = {
    input: { name: 'ann' },
    session: view.session,
    mode: 'in-order',
    signal: new AbortController().signal,
    trace: new Trace(),
    nonce: 'abc',
    trailers: true,
  };
  return every;
}

/** Starts an app of one adapter that streams `page` at every path; `errors` gets what the app's error handling sees. */
type StartStreamingApp = (t: TestContext, page: CountingPage, errors: unknown[]) => Promise<string>;

const adapters: Record<string, StartStreamingApp> = {
  async 'node:http'(t, page, errors) {
    const fanout = new Fanout();
    t.after(() => fanout.close());
    const handler = fanout.handler(
      (incoming, _response, view) => view.streamPage(page, streamOptions(incoming.url ?? '', view)),
      (error, _request, response) => {
        errors.push(error);
        response.statusCode = 500;
        response.end();
      },
    );
    return (await startServer(t, handler)).origin;
  },
  async Express(t, page, errors) {
    const fanout = new Fanout();
    t.after(() => fanout.close());
    const app = express();
    app.use(expressFanout(fanout));
    app.get('/:path', (incoming) =>
      incoming.fanout.streamPage(page, streamOptions(incoming.path, incoming.fanout)),
    );
    const onError: ErrorRequestHandler = (error, _request, response, _next) => {
      errors.push(error);
      response.status(500).end();
    };
    app.use(onError);
    return (await startServer(t, app)).origin;
  },
  async Fastify(t, page, errors) {
    const app = Fastify();
    t.after(() => app.close());
    await app.register(fastifyFanout);
    app.setErrorHandler((error, _request, reply) => {
      errors.push(error);
      return reply.code(500).send('');
    });
    app.get('/:path', (incoming, reply) =>
      reply.streamPage(page, streamOptions(incoming.url, incoming.fanout)),
    );
    return app.listen({ port: 0, host: '127.0.0.1' });
  },
};

for (const [adapter, start] of Object.entries(adapters)) {
  test(`${adapter}: a typo in streamPage's options fails before the page starts; every key is taken`, async (t) => {
    const agent = new Agent();
    t.after(() => agent.destroy());
    const { page, asked } = countingPage();
    const errors: unknown[] = [];
    const origin = await start(t, page, errors);

    const typo = await request(`${origin}/typo`, { dispatcher: agent });
    assert.equal(typo.statusCode, 500, "the app's error handling answered, not the page");
    assert.equal(await typo.body.text(), '');
    assert.equal(errors.length, 1);
    unknownOption(TRAILER)(errors[0]);
    assert.equal(asked.count, 0, "the page's data was never asked for");

    const every = await request(`${origin}/every`, { dispatcher: agent });
    assert.equal(every.statusCode, 200);
    assert.equal(await every.body.text(), '<body><p>ann 1</p>');
    assert.match(String(every.trailers['server-timing']), /section-main/);
    assert.equal(errors.length, 1);
  });
}

test('the keys each adapter streams a page with are those of the streamPage registry', () => {
  // The values are those `streamOptions` gives; only the keys are compared here.
  const every: EveryKey<StreamPageOptions<unknown>, 'input' | 'session' | 'signal' | 'trace'> = {
    input: undefined,
    session: undefined,
    mode: 'in-order',
    signal: undefined,
    trace: undefined,
    nonce: 'abc',
    trailers: true,
  };
  assertSameKeys(STREAM_PAGE_OPTIONS, every);
});

test("a view's renderPage: a typo throws before the page starts", async (t) => {
  const fanout = new Fanout();
  t.after(() => fanout.close());
  const { page, asked } = countingPage();
  const server = await startServer(
    t,
    fanout.handler(
      (_incoming, response, view) => {
        assert.throws(
          () =>
            view.renderPage(page, { input: { name: 'ann' }, nonse: 'x' } as RenderOptions<{
              name: string;
            }>),
          unknownOption('Unknown option "nonse" in render options — did you mean "nonce"?'),
        );
        response.end('checked');
      },
      (error) => {
        throw error;
      },
    ),
  );
  const answer = await request(server.origin);
  assert.equal(await answer.body.text(), 'checked');
  assert.equal(asked.count, 0);
});

test('Fanout: a typo in its options throws; every key is taken', async () => {
  assert.throws(
    () => new Fanout({ traceContxt: true } as FanoutOptions),
    unknownOption('Unknown option "traceContxt" in Fanout options — did you mean "traceContext"?'),
  );
  const every: EveryKey<FanoutOptions> = {
    session: { baseURL: 'http://127.0.0.1:1' },
    trace: true,
    traceContext: true,
  };
  assertSameKeys(FANOUT_OPTIONS, every);
  const fanout = new Fanout(every);
  assert.equal(fanout.session.session.isClosed, false);
  await fanout.close();
});

test("Fastify: a typo in the plugin's options fails the registration", async () => {
  const app = Fastify();
  app.register(fastifyFanout, { traceContxt: true } as FanoutOptions);
  await assert.rejects(async () => {
    await app.ready();
  }, unknownOption(
    'Unknown option "traceContxt" in Fanout options — did you mean "traceContext"?',
  ));
});
