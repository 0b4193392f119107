import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium: the only browser the tests use (playwright never downloads one here). */
const CHROMIUM = '/usr/bin/chromium';

/**
 * Launches headless Chromium, closed when `t` ends. Fails with the install instruction when
 * Debian's `chromium` is missing, rather than skipping.
 */
export async function launchChromium(t: Pick<TestContext, 'after'>): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), 'Chromium is not installed: apt-get install -y chromium');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  t.after(() => browser.close());
  return browser;
}
