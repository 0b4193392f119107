import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePage, html } from '../../src/index.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { type Backend, startBackend, startPageServer } from './fixtures.ts';

/** A page of four sections with nested markup; `mode` decides how it streams. */
function storePage(backend: Backend) {
  const section = (name: string) => ({
    data: (_: unknown, { json }: { json: <T>(url: string) => PromiseLike<T> }) =>
      json<{ name: string }>(`/${name}`),
    render: (data: { name: string }) =>
      html`<section class="s"><h2>${data.name}</h2><ul><li>${data.name} 1</li><li>${data.name} 2</li></ul></section>`,
    placeholder: html`<p class="loading">Loading ${name}…</p>`,
  });
  return definePage({
    head: '<!doctype html><html><head><title>t</title></head><body><main>',
    tail: '</main><footer>end</footer></body></html>',
    session: backend.session,
  })
    .section('header', { render: () => '<header>shop</header>' })
    .section('a', section('a'))
    .section('b', section('b'))
    .section('c', section('c'));
}

test('out of order in a real browser: with JavaScript the DOM is the in-order page, without it every section still reads', async (t) => {
  const backend = await startBackend(t);
  const page = storePage(backend);
  const inOrder = await startPageServer(t, page, { mode: 'in-order' });
  const outOfOrder = await startPageServer(t, page, { mode: 'out-of-order' });
  const browser = await launchChromium(t);

  // The shell is in the browser, with placeholders, before any service answers; then they
  // answer in reverse page order.
  const scripted = await browser.newPage();
  const loaded = scripted.goto(outOfOrder.origin);
  await scripted.locator('#fanout-p-a').waitFor({ state: 'attached' });
  assert.equal(await scripted.locator('.loading').count(), 3);
  for (const name of ['c', 'b', 'a']) backend.release(name);
  await loaded;

  const reference = await browser.newPage();
  await reference.goto(inOrder.origin);
  const expected = await reference.locator('body').innerHTML();
  assert.match(expected, /^<main><header>shop<\/header><section class="s"><h2>a<\/h2>/);
  assert.equal(await scripted.locator('body').innerHTML(), expected);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const plain = await context.newPage();
  await plain.goto(outOfOrder.origin);
  const text = (await plain.locator('body').textContent()) ?? '';
  for (const line of ['shop', 'a 1', 'b 2', 'c 1', 'end']) assert.ok(text.includes(line), line);
  assert.equal(await plain.locator('[data-fanout-section]').count(), 3);
  assert.ok(await plain.locator('[data-fanout-section="c"] h2').isVisible());
  await context.close();
});
