import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { drawLatencies } from '../../examples/storefront/catalog.ts';
import { MODES, type Mode } from '../../examples/storefront/layout.ts';
import { SECTIONS } from '../../examples/storefront/sections.ts';
import { type StorefrontOptions, startStorefront } from '../../examples/storefront/server.ts';
import { type ServicesOptions, startServices } from '../../examples/storefront/services.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { deferred } from '../helpers/server.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
// A tenth of the demo's latencies: the same shape, ten times faster.
const LATENCIES = drawLatencies({ scale: 0.1 });
const SLOWEST = [...LATENCIES].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
const RED = 'rgb(220, 38, 38)';

/** The services and the storefront in front of them, on loopback port 0, stopped after the test. */
async function startDemo(
  t: TestContext,
  services: Omit<ServicesOptions, 'latencies'>,
  storefront: Omit<StorefrontOptions, 'services'>,
) {
  const backend = await startServices({ latencies: LATENCIES, ...services });
  t.after(() => backend.close());
  const front = await startStorefront({ services: backend.origin, ...storefront });
  t.after(() => front.close());
  return front;
}

// The browser's, in functions run in the page (the tests typecheck without the DOM library).
declare const getComputedStyle: (element: unknown) => Record<string, string>;

/** A computed style of the first element `locator` matches (`rgb(220, 38, 38)`). */
function computedStyle(locator: Locator, property: string): Promise<string> {
  return locator.evaluate((element, name) => getComputedStyle(element)[name] as string, property);
}

/** A tab that collects console errors. */
async function openTab(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

// What each mode says it shows (examples/storefront/layout.ts).
const TITLES: Record<Mode, string> = {
  serial: 'Serial: one request after another',
  parallel: 'Parallel: every request at once, the page at the end',
  streamed: 'Streamed: the shell at once, each section when it is ready',
};

// With `user` down, the sections that need its answer (directly or not) never send a request.
const FAILED = new Set(['user', 'ads']);
const NEVER_SENT = new Set<string>();
for (const section of SECTIONS) {
  if (section.needs.some((name) => FAILED.has(name) || NEVER_SENT.has(name))) {
    NEVER_SENT.add(section.name);
  }
}

/** The waterfall row (a `g.row`) of the request to `/api/<service>`. */
function requestRow(page: Page, service: string) {
  return page.locator('g.row[data-request-id]', {
    has: page.locator('text.label', { hasText: new RegExp(`/api/${service}(\\?|$)`) }),
  });
}

describe('the storefront demo explains itself (headless Chromium)', () => {
  test('each mode says what it shows, sets its times beside the others, and its waterfall tells outcomes apart', {
    timeout: 90_000,
  }, async (t) => {
    const storefront = await startDemo(t, { failing: new Set(['user']) }, { deadline: 10_000 });
    const browser = await launchChromium(t);
    const { page, errors } = await openTab(browser);
    assert.equal(NEVER_SENT.size, 9, [...NEVER_SENT].join(', '));

    for (const [index, mode] of MODES.entries()) {
      await t.test(`?mode=${mode}`, async () => {
        await page.goto(`${storefront.url}?mode=${mode}`, { waitUntil: 'load' });
        const explain = page.locator('#mode-explain');
        assert.equal(await explain.getAttribute('data-mode'), mode);
        assert.ok(await explain.isVisible());
        const text = (await explain.textContent()) ?? '';
        assert.ok(text.includes(TITLES[mode]), text);
        for (const other of MODES.filter((each) => each !== mode)) {
          assert.ok(!text.includes(TITLES[other]), `${mode} shows ${other}'s text`);
        }

        // This view's times beside every mode served before it in this process.
        const rows = page.locator('#timings tbody tr');
        assert.equal(await rows.count(), MODES.length);
        const footer = (await page.locator('#server-timing').textContent()) ?? '';
        const [, firstByte, lastByte] =
          /first byte (\S+) ms, last byte (\S+) ms/.exec(footer) ?? [];
        const own = page.locator(`#timings tr[data-mode="${mode}"]`);
        assert.equal(await own.getAttribute('aria-current'), 'true');
        assert.deepEqual(await own.locator('td').allTextContents(), ['1', firstByte, lastByte]);
        for (const [other, each] of MODES.entries()) {
          const cells = await page.locator(`#timings tr[data-mode="${each}"] td`).allTextContents();
          if (other <= index) assert.match(cells.join(' '), /^1 \d+\.\d \d+\.\d$/, each);
          else assert.deepEqual(cells, ['0', 'not measured yet: open it'], each);
        }

        await mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, `storefront-${mode}.png`), fullPage: true });
        await page.locator('#waterfall').click();
        await page.waitForLoadState('load');
        await page.screenshot({
          path: join(ARTIFACTS, `storefront-${mode}-waterfall.png`),
          fullPage: true,
        });

        // The legend names every outcome in words.
        const legend = page.locator('ul.legend-outcomes li[data-outcome]');
        assert.deepEqual(await legend.allTextContents(), [
          '2xx/3xx response',
          '4xx/5xx response',
          'error, no response',
          'cancelled',
          'skipped, never sent',
          'still running',
        ]);
        assert.ok(await page.locator('ul.legend-outcomes').isVisible());

        // A 503 is red, in its outline and its result, and says 503.
        for (const service of ['user', 'ads']) {
          const row = requestRow(page, service);
          assert.equal(await row.count(), 1, service);
          assert.equal(await row.getAttribute('data-outcome'), 'http-error');
          assert.equal(await row.locator('.result').textContent(), '503');
          assert.equal(await computedStyle(row.locator('.bar'), 'stroke'), RED, service);
          assert.equal(await computedStyle(row.locator('.result'), 'fill'), RED, service);
          assert.match(
            (await row.locator('> title').textContent()) ?? '',
            /4xx\/5xx response · 503/,
          );
        }
        const ok = requestRow(page, 'header');
        assert.equal(await ok.getAttribute('data-outcome'), 'success');
        assert.notEqual(await computedStyle(ok.locator('.bar'), 'stroke'), RED);

        // Every request never sent has a placeholder bar, labelled, of visible width.
        const unsent = page.locator('g.row.unsent[data-outcome="skipped"]');
        const labels = await unsent.locator('.label').allTextContents();
        assert.equal(labels.length, NEVER_SENT.size, labels.join(', '));
        for (const name of NEVER_SENT) {
          assert.ok(
            labels.some((label) => label.endsWith(mode === 'serial' ? `/api/${name}` : ` ${name}`)),
            `${name} in ${labels.join(', ')}`,
          );
        }
        assert.deepEqual(
          new Set(await unsent.locator('.result').allTextContents()),
          new Set(['skipped']),
        );
        for (const width of await unsent
          .locator('.bar')
          .evaluateAll((bars) => bars.map((bar) => bar.getBoundingClientRect().width))) {
          assert.ok(width >= 8, `placeholder width ${width}`);
        }
        assert.equal(
          await page.locator('[data-request-id]').count(),
          SECTIONS.length - NEVER_SENT.size,
        );

        // Sums are labelled as sums.
        assert.match(
          (await page.locator('#blocked-requests').textContent()) ?? '',
          /^consumer blocked, summed over requests \d+\.\d ms$/,
        );
        const sections = page.locator('#blocked-sections');
        if (mode === 'streamed') {
          assert.match(
            (await sections.textContent()) ?? '',
            new RegExp(
              `^rendering blocked, summed over ${SECTIONS.length} sections \\d+\\.\\d ms$`,
            ),
          );
        } else {
          assert.equal(await sections.count(), 0);
        }
        assert.match((await page.locator('#sums-note').textContent()) ?? '', /sums/);
      });
    }
    assert.deepEqual(errors, []);
  });

  test('?mode=streamed: a request cut at the deadline is drawn as timed out', {
    timeout: 60_000,
  }, async (t) => {
    // The slowest service is held past the deadline: its section falls back, its request is
    // cut by the deadline, whatever the load.
    const held = deferred();
    t.after(() => held.resolve());
    // Under load other services may miss the deadline too: only the held one is waited for.
    const abandoned = deferred();
    const storefront = await startDemo(
      t,
      {
        gate: (service) => (service === SLOWEST ? held.promise : undefined),
        onAbandon: (service) => {
          if (service === SLOWEST) abandoned.resolve();
        },
      },
      { deadline: 300 },
    );
    const browser = await launchChromium(t);
    const { page, errors } = await openTab(browser);
    await page.goto(`${storefront.url}?mode=streamed`, { waitUntil: 'load' });
    await abandoned.promise;
    await page.locator('#waterfall').click();
    await page.waitForLoadState('load');
    const row = requestRow(page, SLOWEST);
    // Whichever timer fired first, its own or its section's: an error, FANOUT_TIMEOUT, drawn
    // solid (dashes are for requests cancelled by the visitor leaving).
    assert.equal(await row.getAttribute('data-outcome'), 'error');
    assert.equal(await row.locator('.result').textContent(), 'FANOUT_TIMEOUT');
    assert.equal(await computedStyle(row.locator('.bar'), 'strokeDasharray'), 'none');
    assert.deepEqual(errors, []);
  });
});
