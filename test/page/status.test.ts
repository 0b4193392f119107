import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { definePage, html, Trace } from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { type Backend, get, startBackend, startPageServer } from './fixtures.ts';

/** A primary `product` section and a secondary `reviews` one, each fed by its service. */
function productPage(backend: Backend, errorPage?: () => string) {
  return definePage({
    head: '<body>',
    tail: '</body>',
    session: backend.session,
    ...(errorPage !== undefined && { errorPage }),
  })
    .section('product', {
      primary: true,
      data: (_, { json }) => json<{ name: string }>('/product'),
      render: (product) => html`<h1>${product.name}</h1>`,
      fallback: ({ reason }) => html`<h1>Product unavailable (${reason})</h1>`,
    })
    .section('reviews', {
      data: (_, { json }) => json<{ name: string }>('/reviews'),
      render: (reviews) => html`<p>${reviews.name}</p>`,
    });
}

describe('primary sections settle the status before the first byte', () => {
  test('the response head waits for the primary section, then 200 with its Server-Timing', async (t) => {
    const backend = await startBackend(t);
    const { origin } = await startPageServer(t, productPage(backend));
    let hasHead = false;
    const pending = get(origin).then((response) => {
      hasHead = true;
      return response;
    });
    // Both services are asked at once; the head waits for the primary one only.
    await backend.log('product').arrived.promise;
    await backend.log('reviews').arrived.promise;
    assert.equal(hasHead, false);
    backend.release('product');
    const response = await pending;
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(
      String(response.headers['server-timing']),
      /^page;dur=[\d.]+;desc="page", section-product;dur=[\d.]+;desc="product"$/,
    );
    // reviews is still held: the head and the primary section went out without it.
    assert.equal(await response.body.until('</h1>'), '<body><h1>product</h1>');
    backend.release('reviews');
    assert.equal(await response.body.rest(), '<body><h1>product</h1><p>reviews</p></body>');
  });

  test('a failing primary section makes the status 502 and renders its fallback', async (t) => {
    const backend = await startBackend(t);
    const { origin } = await startPageServer(t, productPage(backend));
    const pending = get(origin);
    await backend.log('product').arrived.promise;
    backend.release('product', 'fail');
    const response = await pending;
    assert.equal(response.status, 502);
    assert.match(
      String(response.headers['server-timing']),
      /section-product;dur=[\d.]+;desc="product error"/,
    );
    backend.release('reviews');
    assert.equal(
      await response.body.rest(),
      '<body><h1>Product unavailable (error)</h1><p>reviews</p></body>',
    );
  });

  test('a late primary section makes it 504; a custom primaryStatus decides otherwise', async (t) => {
    const backend = await startBackend(t);
    const page = definePage({ head: '', session: backend.session, deadline: 20 }).section(
      'product',
      {
        primary: true,
        data: (_, { json }) => json('/product'),
        render: () => 'never',
      },
    );
    const late = await page.renderToString();
    assert.equal(late.status, 504);
    const custom = definePage({
      head: '',
      session: backend.session,
      deadline: 20,
      primaryStatus: (failure) => (failure.section === 'product' ? 503 : 500),
    }).section('product', {
      primary: true,
      data: (_, { json }) => json('/product'),
      render: () => '',
    });
    assert.equal((await custom.renderToString()).status, 503);
  });

  test('with errorPage, a failing primary section sends the error page and cancels the rest', async (t) => {
    const backend = await startBackend(t);
    const page = productPage(backend, () => '<h1>Sorry</h1>');
    const { origin } = await startPageServer(t, page);
    const pending = get(origin);
    await backend.log('reviews').arrived.promise;
    backend.release('product', 'fail');
    const response = await pending;
    assert.equal(response.status, 502);
    assert.equal(await response.body.rest(), '<h1>Sorry</h1>');
    await backend.log('reviews').aborted.promise;
  });
});

describe('blocked time and Server-Timing', () => {
  test('each section records how long rendering waited for its data, in the trace and the trailer', async (t) => {
    const backend = await startBackend(t);
    const trace = new Trace({ name: 'product page' });
    const { origin, renderings } = await startPageServer(
      t,
      productPage(backend),
      { trace },
      { trailers: true },
    );
    const pending = get(origin);
    await backend.log('reviews').arrived.promise;
    // reviews is ready before the head goes out: rendering never waits for it.
    backend.release('reviews');
    await backend.log('reviews').answered.promise;
    backend.release('product');
    const response = await pending;
    await response.body.rest();

    const records = renderings[0]?.sections() ?? [];
    assert.deepEqual(
      records.map((record) => record.name),
      ['product', 'reviews'],
    );
    const [product, reviews] = records;
    assert.ok(product !== undefined && reviews !== undefined);
    assert.ok(product.blocked > 0, 'the head waited for product');
    assert.ok(product.wantedAt < product.readyAt, 'a primary section is wanted by the head');
    assert.equal(reviews.blocked, 0, 'reviews was ready before it was wanted');
    assert.deepEqual(trace.sections, records, 'the records land in the trace');
    assert.equal(response.headers.trailer, 'server-timing');
    assert.match(
      String(response.trailers['server-timing']),
      /^page;dur=[\d.]+;desc="page", section-product;dur=[\d.]+;desc="product", section-reviews;dur=0\.0;desc="reviews"$/,
    );
  });

  test('a section waited for after the shell has its blocked time counted from when it was wanted', async (t) => {
    const backend = await startBackend(t);
    const { origin, renderings } = await startPageServer(t, productPage(backend));
    const pending = get(origin);
    backend.release('product');
    const response = await pending;
    await response.body.until('</h1>');
    backend.release('reviews');
    await response.body.rest();
    const reviews = renderings[0]?.sections()[1];
    assert.ok(reviews !== undefined);
    assert.ok(reviews.wantedAt < reviews.readyAt);
    assert.equal(reviews.blocked, reviews.readyAt - reviews.wantedAt);
    assert.ok(reviews.flushedAt >= reviews.readyAt);
  });
});

describe('a layout that throws', () => {
  test('pipe destroys the response, rejects, and cancels the sections still waiting', async (t) => {
    const backend = await startBackend(t);
    const page = definePage({
      session: backend.session,
      head: () => {
        throw new Error('layout bug');
      },
    }).section('a', { data: (_, { json }) => json('/a'), render: () => 'a' });
    const failed = deferred<unknown>();
    const server = await startServer(t, async (_req, res) => {
      const rendering = page.render();
      await backend.log('a').arrived.promise;
      await rendering.pipe(res).catch(failed.resolve);
    });
    // Nothing was written yet: the client sees the connection closed instead of a response.
    await assert.rejects(get(server.origin), { code: 'UND_ERR_SOCKET' });
    assert.equal(((await failed.promise) as Error).message, 'layout bug');
    await backend.log('a').aborted.promise;
  });
});
