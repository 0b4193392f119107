import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { FuturesSession, type RequestRecord, Trace } from '../../src/index.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { deferred, startServer } from '../helpers/server.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
// Escaping is checked with a name that would be markup if it were not escaped.
const NAME = 'checkout <b>page</b> & "cart"';

function json(response: ServerResponse, body: unknown): void {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(body));
}

/**
 * A traced page load against a loopback API: four calls in parallel on three workers (so one
 * queues), one of them failing twice (a retry), and one chained after the first. Server delays
 * only shape the picture; deferreds fix the order the assertions rely on: `/slow` is answered
 * once `/orders` arrives, and `/orders` once the consumer has everything else, so `/orders`
 * resolves last and the critical path ends with it.
 */
async function tracedRun(t: TestContext): Promise<Trace> {
  const ordersArrived = deferred();
  const releaseOrders = deferred();
  const api = await startServer(t, async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/user') {
      await delay(30);
      json(response, { id: 42 });
    } else if (path === '/recs') {
      await delay(60);
      json(response, { items: ['a', 'b', 'c', 'd', 'e'] });
    } else if (path === '/slow') {
      await ordersArrived.promise;
      await delay(20);
      json(response, { slow: true });
    } else if (path === '/broken') {
      await delay(10);
      response.socket?.destroy();
    } else if (path === '/orders') {
      ordersArrived.resolve();
      await releaseOrders.promise;
      await delay(15);
      json(response, { orders: [] });
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  const session = new FuturesSession({ baseURL: api.origin, maxWorkers: 3 });
  t.after(() => session.close());

  const trace = new Trace({ name: NAME });
  await trace.run(async () => {
    const user = session.get('/user');
    const recs = session.get('/recs', { params: { limit: 5 } });
    const slow = session.get('/slow', { params: { token: 's3cret' } });
    const broken = session.get('/broken', { retry: { limit: 1, baseDelay: 20 } });
    const { id } = (await user).json<{ id: number }>();
    const orders = session.get('/orders', { params: { user: id } });
    await recs;
    await assert.rejects(async () => {
      await broken;
    });
    await slow;
    releaseOrders.resolve();
    await orders;
  });
  trace.end();
  return trace;
}

/** Widths of the elements matching `selector`, as laid out, in CSS pixels. */
function widths(page: Page, selector: string): Promise<number[]> {
  return page
    .locator(selector)
    .evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect().width));
}

/** The record of the call to `path`. */
function byPath(trace: Trace, path: string): RequestRecord {
  const record = trace.requests.find((candidate) => new URL(candidate.url).pathname === path);
  assert.ok(record, `a request to ${path}`);
  return record;
}

test('waterfall() renders a traced run in headless Chromium', { timeout: 60_000 }, async (t) => {
  const trace = await tracedRun(t);
  const summary = trace.summary();
  const html = trace.waterfall();
  assert.equal(trace.requests.length, 5);
  assert.ok(!html.includes('s3cret'), 'the token is redacted');

  let pageHits = 0;
  const site = await startServer(t, (_request, response) => {
    pageHits++;
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(html);
  });
  const pageURL = `${site.origin}/`;

  const browser = await launchChromium(t);
  const page = await browser.newPage({ viewport: { width: 1160, height: 600 } });
  const requested: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(pageURL, { waitUntil: 'load' });

  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'waterfall.png'), fullPage: true });

  await t.test('shows the trace name (escaped) and the wall time in the header', async () => {
    assert.equal(await page.locator('h1').textContent(), NAME);
    assert.equal(await page.locator('h1 b').count(), 0);
    const meta = await page.locator('header .meta').textContent();
    assert.match(meta ?? '', new RegExp(`Wall time ${trace.wallTime.toFixed(1)} ms`));
  });

  await t.test('draws one row per request, each with a bar of positive width', async () => {
    const ids = await page
      .locator('[data-request-id]')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-request-id'))));
    assert.deepEqual(
      ids,
      trace.requests.map((record) => record.id),
    );
    const bars = await widths(page, '[data-request-id] .bar');
    assert.equal(bars.length, trace.requests.length);
    for (const width of bars) assert.ok(width > 0, `bar width ${width}`);
  });

  await t.test('labels each row with its id, method, path and query, and result', async () => {
    for (const record of trace.requests) {
      const row = page.locator(`[data-request-id="${record.id}"]`);
      const label = await row.locator('.label').textContent();
      const { pathname, search } = new URL(record.url);
      assert.equal(label, `#${record.id} ${record.method} ${pathname}${search}`);
      const result = await row.locator('.result').textContent();
      assert.equal(result, record.status === undefined ? record.errorCode : String(record.status));
    }
    const broken = byPath(trace, '/broken');
    assert.equal(broken.outcome, 'error');
    assert.equal(broken.attempts.length, 2);
    assert.equal(await page.locator('.label', { hasText: 'token=REDACTED' }).count(), 1);
  });

  await t.test('colours the phases: queued, connect, wait and receive', async () => {
    for (const phase of ['queued', 'connect', 'wait', 'receive']) {
      assert.ok((await page.locator(`.phase-${phase}`).count()) > 0, `a .phase-${phase}`);
    }
    // Three workers for four calls: /broken waits for /user's slot.
    const broken = byPath(trace, '/broken');
    const queued = await widths(page, `[data-request-id="${broken.id}"] .phase-queued`);
    assert.equal(queued.length, 1);
    assert.ok((queued[0] as number) > 1, `queued width ${queued[0]}`);
  });

  await t.test('marks the critical path rows, ending with the chained call', async () => {
    const critical = await page
      .locator('[data-request-id].critical')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-request-id'))));
    assert.deepEqual(
      critical,
      summary.criticalPath.map((request) => request.id),
    );
    assert.ok(critical.length >= 2, `critical path ${critical.join(' → ')}`);
    assert.equal(critical.at(-1), byPath(trace, '/orders').id);
  });

  await t.test('overlays the blocked time where the consumer waited', async () => {
    // Asked for at once, and held by the server until the consumer lets it go.
    assert.ok(byPath(trace, '/user').blocked > 0);
    assert.ok(byPath(trace, '/orders').blocked > 0);
    for (const record of trace.requests) {
      const overlays = await widths(page, `[data-request-id="${record.id}"] .blocked`);
      assert.equal(overlays.length, record.blocked > 0 ? 1 : 0, `#${record.id} overlays`);
      for (const width of overlays) assert.ok(width > 0);
    }
  });

  await t.test('lists every request in the table fallback', async () => {
    assert.equal(await page.locator('table tbody tr').count(), trace.requests.length);
    assert.equal(await page.locator('[data-request-id] > title').count(), trace.requests.length);
  });

  await t.test('loads nothing but the page itself and logs no errors', () => {
    assert.deepEqual(requested, [pageURL]);
    assert.equal(pageHits, 1);
    assert.deepEqual(consoleErrors, []);
  });
});
