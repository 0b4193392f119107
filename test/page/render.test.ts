import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { type TestContext, test } from 'node:test';
import {
  DependencyError,
  definePage,
  FuturesSession,
  html,
  type SectionFailure,
  TimeoutError,
  Trace,
} from '../../src/index.ts';
import { type Deferred, deferred, startServer } from '../helpers/server.ts';

/** A backend answering `/NAME` with `{"name":"NAME"}` once `gates[NAME]` (if any) resolves; `/fail` with 500. */
async function backend(t: TestContext, gates: Record<string, Deferred<void>> = {}) {
  const seen: string[] = [];
  const server = await startServer(
    t,
    async (request: IncomingMessage, response: ServerResponse) => {
      const name = new URL(request.url ?? '/', 'http://x').pathname.slice(1);
      seen.push(name);
      await gates[name]?.promise;
      response.statusCode = name === 'fail' ? 500 : 200;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ name }));
    },
  );
  const session = new FuturesSession({ baseURL: server.origin, retry: false });
  t.after(() => session.close());
  return { session, seen };
}

const shell = { head: '<body>', tail: '</body>' };

test('renderToString: every section in page order, dependencies get typed data', async (t) => {
  const { session } = await backend(t);
  const page = definePage({ ...shell, session })
    .section('user', {
      data: (_, { json }) => json<{ name: string }>('/user'),
      render: (user) => html`<p>${user.name}</p>`,
    })
    .section('recs', {
      after: ['user'],
      data: ({ user }, { json }) => json<{ name: string }>(`/recs-for-${user.name}`),
      render: (recs) => html`<p>${recs.name}</p>`,
    })
    .section('static', { render: () => '<hr>' });
  const rendering = page.render();
  const rendered = { ...(await rendering.head()), body: await rendering.text() };
  assert.equal(rendered.status, 200);
  assert.equal(rendered.body, '<body><p>user</p><p>recs-for-user</p><hr></body>');
  // The sections' data ran as one flow, a step per section.
  const report = rendering.flow.report();
  assert.deepEqual(
    report.steps.map((step) => [step.name, step.outcome]),
    [
      ['user', 'ok'],
      ['recs', 'ok'],
      ['static', 'ok'],
    ],
  );
  assert.deepEqual(report.criticalPath, ['user', 'recs']);
  const { headers } = await page.renderToString();
  assert.equal(headers['content-type'], 'text/html; charset=utf-8');
  assert.match(
    headers['server-timing'] ?? '',
    /^page;dur=[\d.]+;desc="page", section-user;dur=[\d.]+;desc="user", section-recs;dur=[\d.]+;desc="recs", section-static;dur=[\d.]+;desc="static"$/,
  );
});

test('phase one starts every independent section before anything renders', async (t) => {
  const gates = { a: deferred(), b: deferred(), c: deferred() };
  const { session, seen } = await backend(t, gates);
  const page = definePage({ ...shell, session })
    .section('a', { data: (_, { json }) => json('/a'), render: () => 'a' })
    .section('b', { data: (_, { json }) => json('/b'), render: () => 'b' })
    .section('c', { data: (_, { json }) => json('/c'), render: () => 'c' });
  const rendering = page.render();
  const text = rendering.text();
  // All three requests reach the server while none has been answered.
  while (seen.length < 3) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
  gates.c.resolve();
  gates.b.resolve();
  gates.a.resolve();
  assert.equal(await text, '<body>abc</body>');
});

test('errors stay in their section; a dependent falls back with a DependencyError', async (t) => {
  const { session } = await backend(t);
  const failures: SectionFailure[] = [];
  const page = definePage({
    ...shell,
    session,
    fallback: (failure) => {
      failures.push(failure);
      return html`<i>${failure.section} ${failure.reason}</i>`;
    },
  })
    .section('broken', { data: (_, { json }) => json('/fail'), render: () => 'never' })
    .section('child', { after: ['broken'], data: () => 1, render: () => 'never' })
    .section('throws', {
      render: () => {
        throw new Error('template bug');
      },
    })
    .section('ok', { render: () => 'ok' });
  const rendered = await page.renderToString();
  assert.equal(rendered.status, 200);
  assert.equal(
    rendered.body,
    '<body><i>broken error</i><i>child error</i><i>throws error</i>ok</body>',
  );
  const child = failures.find((failure) => failure.section === 'child');
  assert.ok(child?.error instanceof DependencyError);
  assert.deepEqual(child.error.chain, ['child', 'broken']);
  assert.equal((child.error.rootCause as { code?: string }).code, 'FANOUT_HTTP_STATUS');
  assert.match(
    rendered.headers['server-timing'] ?? '',
    /section-broken;dur=[\d.]+;desc="broken error"/,
  );
});

test('a fallback that throws renders nothing; a render returning a non-string falls back', async (t) => {
  const { session } = await backend(t);
  const page = definePage({ ...shell, session })
    .section('a', {
      data: () => Promise.reject(new Error('down')),
      render: () => 'never',
      fallback: () => {
        throw new Error('fallback bug');
      },
    })
    .section('b', {
      render: () => undefined as unknown as string,
      fallback: ({ error }) => html`<i>${(error as Error).message}</i>`,
    });
  const { body } = await page.renderToString();
  assert.equal(
    body,
    '<body><i>Expected `render` to return a string or html`…`, got undefined (undefined)</i></body>',
  );
});

test('a section deadline renders the fallback with reason timeout and cancels the request', async (t) => {
  const gates = { slow: deferred() };
  const { session } = await backend(t, gates);
  t.after(() => gates.slow.resolve());
  let signal: AbortSignal | undefined;
  let failure: SectionFailure | undefined;
  const page = definePage({ ...shell, session }).section('slow', {
    deadline: 20,
    data: (_, context) => {
      signal = context.signal;
      return context.json('/slow');
    },
    render: () => 'never',
    fallback: (state) => {
      failure = state;
      return 'late';
    },
  });
  const { body } = await page.renderToString();
  assert.equal(body, '<body>late</body>');
  assert.equal(failure?.reason, 'timeout');
  assert.ok(failure?.error instanceof TimeoutError);
  assert.equal(signal?.aborted, true);
});

test('section timings land in the trace', async (t) => {
  const { session } = await backend(t);
  const trace = new Trace({ name: 'home' });
  const page = definePage({ ...shell, session, name: 'home' })
    .section('user', { data: (_, { json }) => json('/user'), render: () => 'u' })
    .section('fails', { data: () => Promise.reject(new Error('x')), render: () => 'f' });
  await page.renderToString({ trace });
  assert.deepEqual(
    trace.sections.map((record) => [record.page, record.name, record.outcome]),
    [
      ['home', 'user', 'ok'],
      ['home', 'fails', 'error'],
    ],
  );
  assert.equal(trace.requests.length, 1, 'the request joined the trace');
  for (const record of trace.sections) {
    assert.ok(record.startedAt <= record.readyAt && record.readyAt <= record.flushedAt);
    assert.equal(record.blocked, Math.max(0, record.readyAt - record.wantedAt));
  }
});

test('sections ready together go out in one chunk, in both modes', async (t) => {
  const { session } = await backend(t);
  const page = definePage({ ...shell, session })
    .section('a', { render: () => 'a' })
    .section('b', { data: () => Promise.resolve('b'), render: (b) => b })
    .section('c', { render: () => 'c' });
  const chunks = async (rendering: AsyncIterable<string>) => {
    const all: string[] = [];
    for await (const chunk of rendering) all.push(chunk);
    return all;
  };
  assert.deepEqual(await chunks(page.render()), ['<body>', 'abc', '</body>']);
  // Out of order, sections ready when the shell goes out are rendered in place, without script.
  const fixed = definePage({ ...shell, session })
    .section('a', { render: () => 'a' })
    .section('b', { render: () => 'b' });
  assert.deepEqual(await chunks(fixed.render({ mode: 'out-of-order' })), ['<body>ab', '</body>']);
});

test('pipe into any Writable respects backpressure and ends it', async (t) => {
  const { session } = await backend(t);
  const page = definePage({ ...shell, session }).section('a', { render: () => 'a' });
  const received: string[] = [];
  const callbacks: (() => void)[] = [];
  const wrote = deferred();
  // A destination whose buffer is full after every chunk until the test lets the write finish.
  const destination = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk.toString());
      callbacks.push(() => callback());
      wrote.resolve();
    },
  });
  const finished = new Promise((resolve) => destination.on('finish', resolve));
  const piped = page.render().pipe(destination);
  await wrote.promise;
  await new Promise((resolve) => setImmediate(resolve));
  // The section is ready, but pipe queues nothing more until the destination drains (Writable
  // would buffer further writes: writableLength counts them).
  assert.deepEqual(received, ['<body>']);
  assert.equal(destination.writableLength, '<body>'.length);
  while (received.length < 3 || callbacks.length > 0) {
    const next = callbacks.shift();
    if (next === undefined) await new Promise((resolve) => setImmediate(resolve));
    else next();
  }
  await piped;
  await finished;
  assert.deepEqual(received, ['<body>', 'a', '</body>']);
});
