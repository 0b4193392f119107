import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { drawLatencies } from '../../examples/storefront/catalog.ts';
import { MODES } from '../../examples/storefront/layout.ts';
import { RecentTraces } from '../../examples/storefront/recent-traces.ts';
import { SECTIONS } from '../../examples/storefront/sections.ts';
import { type StorefrontOptions, startStorefront } from '../../examples/storefront/server.ts';
import { type ServicesOptions, startServices } from '../../examples/storefront/services.ts';
import { Trace } from '../../src/index.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { deferred } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
// A tenth of the demo's latencies: the same shape (slowest, critical path), ten times faster.
const LATENCIES = drawLatencies({ scale: 0.1 });
const SLOWEST = [...LATENCIES].reduce((a, b) => (b[1] > a[1] ? b : a))[0];

/** The simulated services and the storefront in front of them, stopped after the test. */
async function startDemo(
  t: TestContext,
  services: Omit<ServicesOptions, 'latencies'> = {},
  storefront: Omit<StorefrontOptions, 'services'> = {},
) {
  const backend = await startServices({ latencies: LATENCIES, ...services });
  t.after(() => backend.close());
  const front = await startStorefront({ services: backend.origin, ...storefront });
  t.after(() => front.close());
  return front;
}

// Runs in the page before its own scripts: notes when each section first appears in the DOM, in
// ms since the epoch (performance.timeOrigin + now(), the clock the server side uses too).
const RECORD_APPEARANCES = `
window.appeared = {};
new MutationObserver(function () {
  document.querySelectorAll('section[data-section]').forEach(function (element) {
    var name = element.getAttribute('data-section');
    if (!(name in window.appeared)) window.appeared[name] = performance.timeOrigin + performance.now();
  });
}).observe(document, { childList: true, subtree: true });`;

/** A new tab that records section appearances and collects console errors. */
async function openTab(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript({ content: RECORD_APPEARANCES });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/** Each section's name and state (`ok` or `fallback`), in document order. */
function sectionStates(page: Page): Promise<[string, string][]> {
  return page
    .locator('main section[data-section]')
    .evaluateAll((elements) =>
      elements.map((element): [string, string] => [
        element.getAttribute('data-section') ?? '',
        element.getAttribute('data-state') ?? '',
      ]),
    );
}

const EXPECTED_STATES = SECTIONS.map((section): [string, string] => [
  section.name,
  section.name === 'ads' ? 'fallback' : 'ok',
]);

describe('examples/storefront in headless Chromium', () => {
  for (const mode of MODES) {
    test(`?mode=${mode}: every section renders in place, the failing service's shows its fallback`, {
      timeout: 60_000,
    }, async (t) => {
      // A generous deadline: under load, no section of the streamed page should fall back.
      const storefront = await startDemo(t, {}, { deadline: 10_000 });
      const browser = await launchChromium(t);
      const { page, errors } = await openTab(browser);
      const response = await page.goto(`${storefront.url}?mode=${mode}`, { waitUntil: 'load' });
      assert.equal(response?.status(), 200);
      assert.match(response?.headers()['server-timing'] ?? '', /dur=/);

      assert.deepEqual(await sectionStates(page), EXPECTED_STATES);
      for (const section of SECTIONS) {
        const text = await page.locator(`section[data-section="${section.name}"]`).textContent();
        assert.ok(text?.includes(section.title), section.name);
      }
      assert.match(
        (await page.locator('section[data-section="ads"]').textContent()) ?? '',
        /advertise with us/,
      );
      assert.match(
        (await page.locator('section[data-section="user"]').textContent()) ?? '',
        /Ada Lovelace/,
      );
      // Dependent sections rendered from their inputs' answers.
      assert.match(
        (await page.locator('section[data-section="shipping"]').textContent()) ?? '',
        /free/,
      );
      assert.match(
        (await page.locator('section[data-section="inventory"]').textContent()) ?? '',
        /BK-1843/,
      );
      assert.match(
        (await page.locator('section[data-section="price-drops"]').textContent()) ?? '',
        /15% off/,
      );

      assert.match(
        (await page.locator('#server-timing').textContent()) ?? '',
        /first byte \d+\.\d ms, last byte \d+\.\d ms/,
      );
      assert.match(
        (await page.locator('#browser-timing').textContent()) ?? '',
        /browser: first byte \d+ ms, last byte \d+ ms/,
      );
      assert.equal(await page.locator('.bar a[aria-current]').textContent(), mode);

      // The page's own waterfall: one row per service call of this view.
      await page.locator('#waterfall').click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('[data-request-id]').count(), SECTIONS.length);
      assert.deepEqual(errors, []);
    });
  }

  test('?mode=streamed: the first sections are on screen before the slowest service answers', {
    timeout: 60_000,
  }, async (t) => {
    // The slowest service is held until the browser shows the first sections; a page that
    // waited for every service before sending anything would never show them.
    const release = deferred();
    let slowestAnsweredAt: number | undefined;
    const storefront = await startDemo(
      t,
      {
        gate: (service) => (service === SLOWEST ? release.promise : undefined),
        onAnswer: (service, at) => {
          if (service === SLOWEST) slowestAnsweredAt = performance.timeOrigin + at;
        },
      },
      { deadline: 30_000 },
    );
    const browser = await launchChromium(t);
    const { page, errors } = await openTab(browser);
    await page.goto(`${storefront.url}?mode=streamed`, { waitUntil: 'commit' });
    // Every section but the held one arrives and is moved into place, the held one's
    // placeholder still showing.
    await page.waitForFunction(
      `document.querySelectorAll('main section[data-section]').length === ${SECTIONS.length - 1}`,
    );
    await page.locator('section[data-section="header"]').waitFor({ state: 'visible' });
    await page.locator('section[data-section="footer"]').waitFor({ state: 'visible' });
    assert.equal(slowestAnsweredAt, undefined, `${SLOWEST} is still held`);
    assert.equal(await page.locator(`section[data-section="${SLOWEST}"]`).count(), 0);
    await page.locator(`[data-placeholder="${SLOWEST}"]`).waitFor({ state: 'visible' });
    release.resolve();
    await page.waitForLoadState('load');

    assert.deepEqual(await sectionStates(page), EXPECTED_STATES);
    assert.equal(await page.locator('[data-fanout-placeholder]').count(), 0);
    const appeared = (await page.evaluate('window.appeared')) as Record<string, number>;
    const first = Math.min(...Object.values(appeared));
    assert.ok(slowestAnsweredAt !== undefined);
    assert.ok(
      first < slowestAnsweredAt,
      `first section at ${first}, ${SLOWEST} answered at ${slowestAnsweredAt}`,
    );
    assert.ok((appeared[SLOWEST] as number) > first);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'storefront.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });
});

describe('examples/storefront/server.ts', () => {
  test('an unknown mode is a 400 naming the modes; an unknown page or waterfall a 404', async (t) => {
    const storefront = await startDemo(t, {}, { traces: 1 });
    const bad = await fetch(`${storefront.url}?mode=<fast>`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /Unknown mode &lt;fast&gt;.*serial, parallel, streamed/);
    assert.equal((await fetch(`${storefront.url}nope`)).status, 404);
    assert.equal((await fetch(`${storefront.url}waterfall/1`)).status, 404);
    const view = await fetch(`${storefront.url}?mode=parallel`);
    const link = /href="(\/waterfall\/\d+)"/.exec(await view.text())?.[1];
    assert.ok(link);
    assert.equal((await fetch(new URL(link, storefront.url))).status, 200);
    await (await fetch(`${storefront.url}?mode=parallel`)).text();
    assert.equal((await fetch(new URL(link, storefront.url))).status, 404, 'only one trace kept');
  });

  test('streamed: a section whose service misses the deadline shows its fallback, the rest render', async (t) => {
    const held = deferred();
    t.after(() => held.resolve());
    const storefront = await startDemo(
      t,
      { gate: (service) => (service === SLOWEST ? held.promise : undefined) },
      { deadline: 200 },
    );
    const page = await (await fetch(`${storefront.url}?mode=streamed`)).text();
    assert.match(page, new RegExp(`<section data-section="${SLOWEST}" data-state="fallback"`));
    assert.match(page, /<section data-section="user" data-state="ok"/);
  });

  for (const mode of MODES) {
    test(`?mode=${mode}: a visitor who leaves cancels the view's requests still running`, async (t) => {
      const reached = deferred();
      const abandoned = deferred<string>();
      const held = deferred();
      t.after(() => held.resolve());
      const storefront = await startDemo(
        t,
        {
          gate: (service) => {
            if (service !== SLOWEST) return undefined;
            reached.resolve();
            return held.promise;
          },
          onAbandon: (service) => abandoned.resolve(service),
        },
        { deadline: 30_000 },
      );
      const visitor = new AbortController();
      const visit = fetch(`${storefront.url}?mode=${mode}`, { signal: visitor.signal })
        .then((response) => response.text())
        .catch((error: unknown) => error);
      await reached.promise;
      visitor.abort();
      assert.equal(await abandoned.promise, SLOWEST);
      assert.equal(((await visit) as Error).name, 'AbortError');
    });
  }

  test('a failed service takes down its section and the sections that need its answer, nothing else', async (t) => {
    const storefront = await startDemo(t, { failing: new Set(['user']) }, { deadline: 10_000 });
    // `ads` always fails; a section that needs a section that is down is down (page order).
    const down = new Set(['user', 'ads']);
    for (const section of SECTIONS) {
      if (section.needs.some((name) => down.has(name))) down.add(section.name);
    }
    const expected = SECTIONS.map((section) => [
      section.name,
      down.has(section.name) ? 'fallback' : 'ok',
    ]);
    assert.ok(down.has('price-drops') && down.has('shipping'));
    for (const mode of MODES) {
      const page = await (await fetch(`${storefront.url}?mode=${mode}`)).text();
      const states = [...page.matchAll(/<section data-section="([\w-]+)" data-state="(\w+)"/g)];
      const byName = new Map(states.map((match) => [match[1], match[2]]));
      assert.deepEqual(
        SECTIONS.map((section) => [section.name, byName.get(section.name)]),
        expected,
        mode,
      );
    }
  });

  test('RecentTraces keeps the last `capacity` traces and refuses a bad capacity', () => {
    const traces = new RecentTraces(2);
    const ids = [new Trace(), new Trace(), new Trace()].map((trace) => traces.add(trace));
    assert.deepEqual(ids, ['1', '2', '3']);
    assert.equal(traces.size, 2);
    assert.equal(traces.get('1'), undefined);
    assert.ok(traces.get('3'));
    assert.throws(() => new RecentTraces(0), /Expected `capacity` to be an integer >= 1, got 0/);
  });
});

describe('npm start (examples/storefront/main.ts)', () => {
  test('refuses an unknown service in STOREFRONT_FAIL and a bad STOREFRONT_SCALE', async () => {
    const start = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'examples/storefront/main.ts'], {
          cwd: ROOT,
          env: { ...process.env, ...env },
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.once('exit', (code) => resolve({ code, stderr }));
      });
    const [fail, scale] = await Promise.all([
      start({ STOREFRONT_FAIL: 'user,payroll' }),
      start({ STOREFRONT_SCALE: 'fast' }),
    ]);
    assert.deepEqual(fail, { code: 1, stderr: 'STOREFRONT_FAIL: no service named payroll\n' });
    assert.deepEqual(scale, {
      code: 1,
      stderr: 'STOREFRONT_SCALE: expected a number >= 0, got fast\n',
    });
  });

  test('prints the URLs, serves the page, and stops cleanly on SIGINT', {
    timeout: 30_000,
  }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/storefront/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, STOREFRONT_SCALE: '0.05' },
    });
    let stdout = '';
    const ready = deferred();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Ctrl-C')) ready.resolve();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.once('exit', () => ready.reject(new Error(`exited early: ${stdout}`)));
    await ready.promise;
    assert.match(stdout, /30 services/);
    assert.match(stdout, /failing: ads/);
    const url = /Storefront: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
    assert.ok(url, stdout);
    for (const mode of MODES) assert.ok(stdout.includes(`${url}?mode=${mode}`), mode);
    const page = await fetch(`${url}?mode=parallel`);
    assert.equal(page.status, 200);
    assert.equal((await page.text()).match(/<section data-section=/g)?.length, SECTIONS.length);
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(stdout, /SIGINT: stopping/);
  });
});
