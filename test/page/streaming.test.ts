import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { definePage, html, type SectionContext } from '../../src/index.ts';
import { deferred } from '../helpers/server.ts';
import { type Backend, get, startBackend, startPageServer } from './fixtures.ts';

/**
 * Three sections, each fed by the service of its name and rendered as `<p>NAME</p>`; `ready`
 * resolves on the page server when a section's data has arrived.
 */
function threeSections(backend: Backend) {
  const ready = { a: deferred(), b: deferred(), c: deferred() };
  const section = (name: 'a' | 'b' | 'c') => ({
    data: (_: unknown, { json }: SectionContext<undefined>) =>
      json<{ name: string }>(`/${name}`).map((data) => {
        ready[name].resolve();
        return data;
      }),
    render: (data: { name: string }) => html`<p>${data.name}</p>`,
    placeholder: html`<p>loading ${name}</p>`,
  });
  const page = definePage({ head: '<body>', tail: '</body>', session: backend.session })
    .section('a', section('a'))
    .section('b', section('b'))
    .section('c', section('c'));
  return { page, ready };
}

/** One turn of the event loop: lets the server write whatever it would write now. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('in-order streaming over node:http', () => {
  test('the shell goes out at once; each section as soon as it and those before it are ready', async (t) => {
    const backend = await startBackend(t);
    const { page, ready } = threeSections(backend);
    const { origin, renderings } = await startPageServer(t, page, { mode: 'in-order' });
    const response = await get(origin);
    assert.equal(response.status, 200);
    // The shell arrives while every service is still held.
    assert.equal(await response.body.until('<body>'), '<body>');
    await Promise.all(['a', 'b', 'c'].map((name) => backend.log(name).arrived.promise));

    // c is ready first, but b is not: c waits.
    backend.release('c');
    await ready.c.promise;
    const rendering = renderings[0];
    await turn();
    assert.deepEqual(
      rendering?.sections().map((record) => record.name),
      [],
    );

    // a is released: a goes out while b is still held.
    backend.release('a');
    assert.match(await response.body.until('<p>a</p>'), /^<body><p>a<\/p>$/);
    assert.doesNotMatch(response.body.text, /<p>c<\/p>/);

    // b is released: b, then c (waiting since before), then the tail.
    backend.release('b');
    assert.equal(await response.body.rest(), '<body><p>a</p><p>b</p><p>c</p></body>');
  });
});

describe('out-of-order streaming over node:http', () => {
  test('placeholders in the shell; each section the moment it is ready, moved by a script', async (t) => {
    const backend = await startBackend(t);
    const { origin } = await startPageServer(t, threeSections(backend).page, {
      mode: 'out-of-order',
    });
    const response = await get(origin);
    const shell = await response.body.until('loading c</p></div>');
    assert.equal(
      shell,
      '<body><div id="fanout-p-a" data-fanout-placeholder="a"><p>loading a</p></div>' +
        '<div id="fanout-p-b" data-fanout-placeholder="b"><p>loading b</p></div>' +
        '<div id="fanout-p-c" data-fanout-placeholder="c"><p>loading c</p></div>',
    );

    // c is ready first: it arrives while a and b are still held.
    backend.release('c');
    await response.body.until('fanoutMove("c")</script>');
    assert.match(
      response.body.text,
      /<div id="fanout-f-c" data-fanout-section="c"><p>c<\/p><\/div><script>function fanoutMove/,
    );

    backend.release('a');
    await response.body.until('fanoutMove("a")</script>');
    assert.doesNotMatch(response.body.text, /<p>b<\/p>/);

    backend.release('b');
    const page = await response.body.rest();
    assert.ok(page.endsWith('fanoutMove("b")</script></body>'), page);
    // The mover is defined once, with the first fragment.
    assert.equal(page.split('function fanoutMove').length, 2);
  });

  test('without JavaScript the page still reads: every section’s HTML is in the document, after the shell', async (t) => {
    const backend = await startBackend(t);
    const { origin } = await startPageServer(t, threeSections(backend).page, {
      mode: 'out-of-order',
    });
    const response = await get(origin);
    await response.body.until('loading c');
    for (const name of ['b', 'a', 'c']) backend.release(name);
    const page = await response.body.rest();
    const withoutScripts = page.replace(/<script>.*?<\/script>/g, '');
    // Each section's content is visible markup (not in a <template>, <noscript> or hidden element).
    for (const name of ['a', 'b', 'c']) {
      assert.match(
        withoutScripts,
        new RegExp(`<div id="fanout-f-${name}" data-fanout-section="${name}"><p>${name}</p></div>`),
      );
    }
    assert.doesNotMatch(withoutScripts, /<template|<noscript|hidden/);
  });

  test('sections already ready when the shell goes out are rendered in place', async (t) => {
    const backend = await startBackend(t);
    const page = definePage({ head: '<body>', session: backend.session })
      .section('static', { render: () => '<h1>Shop</h1>' })
      .section('a', { data: (_, { json }) => json('/a'), render: () => '<p>a</p>' })
      .section('footer', { render: () => '<footer></footer>' });
    const { origin } = await startPageServer(t, page, { mode: 'out-of-order' });
    const response = await get(origin);
    assert.equal(
      await response.body.until('<footer></footer>'),
      '<body><h1>Shop</h1><div id="fanout-p-a" data-fanout-placeholder="a"></div><footer></footer>',
    );
    backend.release('a');
    await response.body.rest();
  });

  test('a CSP nonce goes on every inline script, escaped', async (t) => {
    const backend = await startBackend(t);
    const { origin } = await startPageServer(t, threeSections(backend).page, {
      mode: 'out-of-order',
      nonce: 'r4nd"om',
    });
    const response = await get(origin);
    await response.body.until('loading c');
    for (const name of ['a', 'b', 'c']) backend.release(name);
    const page = await response.body.rest();
    assert.equal(page.split('<script nonce="r4nd&quot;om">').length, 4);
    assert.doesNotMatch(page, /<script>/);
  });
});
