import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { describe, type TestContext, test } from 'node:test';
import express from 'express';
import Fastify, { type FastifyReply } from 'fastify';
import { expressFanout } from '../../src/adapters/express.ts';
import { fastifyFanout } from '../../src/adapters/fastify.ts';
import { Fanout, type RequestFanout } from '../../src/adapters/node.ts';
import {
  CancelledError,
  definePage,
  type FuturesSession,
  html,
  type PageRendering,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { type Backend, startBackend } from './fixtures.ts';

/**
 * A client that leaves: `/slow` (and every service of the fixtures' backend) stays unanswered
 * until the test ends, so a section can only settle by being cancelled. Each test waits for the
 * backend to see its request's socket close (`log(name).aborted`, from the backend's
 * `res.on('close')`); a rendering that is not cancelled at once leaves the test hanging until the
 * test timeout fails it.
 */
const LIMIT = { timeout: 20_000 };

/** A page whose primary section waits for `/slow`: nothing can be written before it settles. */
function heldPage(session: FuturesSession) {
  return definePage({ name: 'held', head: html`<body>`, tail: html`</body>`, session })
    .section('main', {
      primary: true,
      data: (_, { json }) => json<{ name: string }>('/slow'),
      render: (data) => html`<main>${data.name}</main>`,
      deadline: 60_000,
    })
    .section('side', {
      data: (_, { json }) => json<{ name: string }>('/side'),
      render: (data) => html`<aside>${data.name}</aside>`,
    });
}

/** A raw HTTP client on `port`: it sends a GET and collects what arrives until destroyed. */
function rawClient(port: number, path = '/') {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  const waiting: { marker: string; resolve: () => void }[] = [];
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8');
    for (const each of waiting) if (received.includes(each.marker)) each.resolve();
  });
  socket.on('error', () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
  return {
    get received() {
      return received;
    },
    /** Resolves once `marker` has arrived. */
    until(marker: string): Promise<void> {
      const arrived = deferred();
      if (received.includes(marker)) arrived.resolve();
      else waiting.push({ marker, resolve: () => arrived.resolve() });
      return arrived.promise;
    },
    leave: () => socket.destroy(),
  };
}

/** A node:http server that pipes a new rendering into each response; what each pipe did. */
async function pipingServer(t: TestContext, render: () => PageRendering<undefined>) {
  const piped: { response: ServerResponse; writes: number; outcome: Promise<unknown> }[] = [];
  const server = await startServer(t, (_request, response) => {
    const entry = { response, writes: 0, outcome: Promise.resolve() as Promise<unknown> };
    const write = response.write.bind(response) as (chunk: string) => boolean;
    response.write = ((chunk: string) => {
      entry.writes++;
      return write(chunk);
    }) as typeof response.write;
    entry.outcome = render()
      .pipe(response)
      .then(
        () => 'resolved',
        (error: unknown) => error,
      );
    piped.push(entry);
  });
  return { port: server.port, piped };
}

/** A Writable that records what it is given. */
class Recorder extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    callback();
  }
}

async function assertNoRequestLeft(backend: Backend, ...names: string[]): Promise<void> {
  await Promise.all(names.map((name) => backend.log(name).aborted.promise));
}

describe('a client leaving before the first byte cancels the page at once', () => {
  test(
    'pipe into a ServerResponse: the client closes its socket while the primary is pending',
    LIMIT,
    async (t) => {
      const backend = await startBackend(t);
      const { port, piped } = await pipingServer(t, () => heldPage(backend.session).render());
      const client = rawClient(port);
      await Promise.all([backend.log('slow').arrived.promise, backend.log('side').arrived.promise]);

      client.leave();

      await assertNoRequestLeft(backend, 'slow', 'side'); // /slow is still held: only a cancel closes it
      const [entry] = piped;
      assert.equal(await entry?.outcome, 'resolved');
      assert.equal(entry?.writes, 0, 'nothing is written to a gone client');
      assert.equal(entry?.response.headersSent, false);
      assert.equal(client.received, '');
    },
  );

  test('pipe into any Writable: destroyed while the primary is pending', LIMIT, async (t) => {
    const backend = await startBackend(t);
    const destination = new Recorder();
    const rendering = heldPage(backend.session).render();
    const piped = rendering.pipe(destination);
    await backend.log('slow').arrived.promise;

    destination.destroy();

    await assertNoRequestLeft(backend, 'slow', 'side');
    await piped;
    assert.deepEqual(destination.chunks, []);
    await rendering.flow.onDone(); // every section's step is over: nothing left running
    assert.ok(rendering.flow.steps.main?.cancelled());
  });

  test(
    'pipe into a Writable already destroyed: cancelled at once, nothing written',
    LIMIT,
    async (t) => {
      const backend = await startBackend(t);
      const rendering = heldPage(backend.session).render();
      await backend.log('slow').arrived.promise;
      const destination = new Recorder();
      destination.destroy();
      await new Promise((resolve) => destination.once('close', resolve));

      await rendering.pipe(destination);

      await assertNoRequestLeft(backend, 'slow', 'side');
      assert.deepEqual(destination.chunks, []);
    },
  );

  test(
    'pipe into a Writable that errors without closing: rejects with its error, cancelled',
    LIMIT,
    async (t) => {
      const backend = await startBackend(t);
      const destination = new Recorder({ emitClose: false });
      const piped = heldPage(backend.session)
        .render()
        .pipe(destination)
        .catch((error: unknown) => error);
      await backend.log('slow').arrived.promise;
      const failure = new Error('disk full');

      destination.destroy(failure); // 'error' and no 'close'

      await assertNoRequestLeft(backend, 'slow', 'side');
      assert.equal(await piped, failure);
      assert.deepEqual(destination.chunks, []);
    },
  );

  test(
    'renderToString: the signal aborting before any section resolved rejects, cancelled',
    LIMIT,
    async (t) => {
      const backend = await startBackend(t);
      const controller = new AbortController();
      const rendered = heldPage(backend.session).renderToString({ signal: controller.signal });
      await backend.log('slow').arrived.promise;
      const reason = new Error('the caller left');

      controller.abort(reason);

      await assert.rejects(rendered, (error) => {
        assert.ok(error instanceof CancelledError);
        assert.equal(error.message, 'Page "held" was aborted');
        assert.equal(error.cause, reason);
        return true;
      });
      await assertNoRequestLeft(backend, 'slow', 'side');
    },
  );

  test('renderToString: an already aborted signal rejects at once', LIMIT, async (t) => {
    const backend = await startBackend(t);
    const signal = AbortSignal.abort();
    await assert.rejects(heldPage(backend.session).renderToString({ signal }), (error) => {
      assert.ok(error instanceof CancelledError);
      assert.equal(error.cause, signal.reason);
      return true;
    });
    assert.equal(backend.session.executor.active, 0, 'no request of the page is running');
  });
});

describe('a client leaving later cancels what is still pending', () => {
  test('after the shell, before the first section (in order)', LIMIT, async (t) => {
    const backend = await startBackend(t);
    const page = definePage({ head: '<body id="shell">', session: backend.session }).section(
      'main',
      { data: (_, { json }) => json('/slow'), render: () => '<main></main>' },
    );
    const { port, piped } = await pipingServer(t, () => page.render());
    const client = rawClient(port);
    await Promise.all([backend.log('slow').arrived.promise, client.until('<body id="shell">')]);

    client.leave();

    await assertNoRequestLeft(backend, 'slow');
    assert.equal(await piped[0]?.outcome, 'resolved');
    assert.equal(piped[0]?.writes, 1, 'the shell only');
  });

  test('mid out-of-order stream, after a first fragment', LIMIT, async (t) => {
    const backend = await startBackend(t);
    const page = definePage({ head: '<body>', session: backend.session, mode: 'out-of-order' })
      .section('fast', { data: (_, { json }) => json('/fast'), render: () => '<p>fast</p>' })
      .section('slow', { data: (_, { json }) => json('/slow'), render: () => '<p>slow</p>' });
    const { port, piped } = await pipingServer(t, () => page.render());
    const client = rawClient(port);
    await backend.log('slow').arrived.promise;
    backend.release('fast');
    await client.until('<p>fast</p>');

    client.leave();

    await assertNoRequestLeft(backend, 'slow');
    assert.equal(await piped[0]?.outcome, 'resolved');
    assert.equal(piped[0]?.writes, 2, 'the shell and the first fragment only');
  });

  test(
    'while pipe waits for drain, a Writable without close events is destroyed without an error',
    LIMIT,
    async (t) => {
      const backend = await startBackend(t);
      const page = definePage({ head: '<body>', session: backend.session }).section('main', {
        data: (_, { json }) => json('/slow'),
        render: () => '<main></main>',
      });
      const written = deferred<string>();
      // Its buffer is full after one byte, and it never finishes a write: no `drain` will come.
      const destination = new Writable({
        highWaterMark: 1,
        emitClose: false,
        write: (chunk: Buffer) => written.resolve(chunk.toString('utf8')),
      });
      const rendering = page.render();
      const piped = rendering.pipe(destination);
      await backend.log('slow').arrived.promise;
      assert.equal(await written.promise, '<body>'); // `write` said "full": pipe waits for drain

      destination.destroy(); // no `close`, `error`, `finish` or `drain` follows

      await piped;
      await assertNoRequestLeft(backend, 'slow');
      await rendering.flow.onDone();
      assert.ok(rendering.flow.steps.main?.cancelled());
    },
  );
});

/** Starts an app of one adapter that streams {@link heldPage} with `view.streamPage`. */
type StartApp = (t: TestContext, backend: Backend, views: RequestFanout[]) => Promise<number>;

const adapters: Record<string, StartApp> = {
  async 'node:http'(t, backend, views) {
    const fanout = new Fanout({ session: backend.session });
    const server = await startServer(
      t,
      fanout.handler((_request, _response, view) => {
        views.push(view);
        return view.streamPage(heldPage(backend.session));
      }),
    );
    return server.port;
  },
  async Express(t, backend, views) {
    const fanout = new Fanout({ session: backend.session });
    const app = express();
    app.use(expressFanout(fanout));
    app.get('/', (request) => {
      views.push(request.fanout);
      return request.fanout.streamPage(heldPage(backend.session));
    });
    return (await startServer(t, app)).port;
  },
  async Fastify(t, backend, views) {
    const app = Fastify();
    t.after(() => app.close());
    await app.register(fastifyFanout, { session: backend.session });
    app.get('/', (request, reply) => {
      views.push(request.fanout);
      return reply.streamPage(heldPage(backend.session));
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as { port: number }).port;
  },
};

for (const [adapter, start] of Object.entries(adapters)) {
  test(
    `${adapter}: a client that disconnects before the first byte cancels the page's requests`,
    LIMIT,
    async (t) => {
      const backend = await startBackend(t);
      const views: RequestFanout[] = [];
      const port = await start(t, backend, views);
      const client = rawClient(port);
      await Promise.all([backend.log('slow').arrived.promise, backend.log('side').arrived.promise]);

      client.leave();

      await assertNoRequestLeft(backend, 'slow', 'side');
      assert.equal(views[0]?.signal.aborted, true);
      assert.equal(client.received, '');
    },
  );
}

test(
  'Fastify: a client gone before the head is decided gets no reply: nothing is sent',
  LIMIT,
  async (t) => {
    const backend = await startBackend(t);
    const app = Fastify();
    t.after(() => app.close());
    await app.register(fastifyFanout, { session: backend.session });
    const sent: unknown[] = [];
    app.addHook('onSend', async (_request, _reply, payload) => {
      sent.push(payload);
      return payload;
    });
    const streamed: Promise<FastifyReply>[] = [];
    app.get('/', (_request, reply) => {
      const streaming = reply.streamPage(heldPage(backend.session));
      streamed.push(streaming);
      return streaming;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const client = rawClient((app.server.address() as { port: number }).port);
    await Promise.all([backend.log('slow').arrived.promise, backend.log('side').arrived.promise]);

    client.leave();

    await assertNoRequestLeft(backend, 'slow', 'side');
    await streamed[0]; // the head was decided (the page aborted): streamPage is done
    assert.deepEqual(sent, [], 'no reply was started for a gone client');
  },
);
