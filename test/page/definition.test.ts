import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  definePage,
  FuturesSession,
  InvalidOptionError,
  type Page,
  PageDefinitionError,
} from '../../src/index.ts';

const shell = { head: '<body>', tail: '</body>' };

/** Asserts `fn` throws a PageDefinitionError whose message matches `message`. */
function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof PageDefinitionError, String(error));
    assert.equal(error.code, 'FANOUT_PAGE_DEFINITION');
    assert.match(error.message, message);
    return true;
  });
}

// Definitions built from untyped input, as a JavaScript caller or JSON config would pass them.
type Loose = Page<undefined, Record<string, unknown>>;
const loose = (page: Page) =>
  page as unknown as Loose & { section(name: unknown, def: unknown): Loose };

describe('bad section definitions are typed errors at definition time', () => {
  test('duplicate names', () => {
    const page = definePage(shell).section('user', { render: () => '' });
    rejects(() => loose(page).section('user', { render: () => '' }), /"user".*already defined/);
  });

  test('unknown or later dependencies', () => {
    const page = loose(definePage(shell));
    rejects(
      () => page.section('recs', { after: ['user'], render: () => '' }),
      /depends on "user".*not a section defined before it/,
    );
    rejects(
      () => page.section('recs', { after: 'user', render: () => '' }),
      /`after` to be an array/,
    );
    rejects(() => page.section('recs', { after: ['recs'], render: () => '' }), /depends on "recs"/);
  });

  test('render that is not a function, data and fallback of the wrong type', () => {
    const page = loose(definePage(shell));
    rejects(
      () => page.section('a', { render: '<p>' }),
      /`render` to be a function, got "<p>" \(string\)/,
    );
    rejects(() => page.section('a', {}), /`render` to be a function, got undefined/);
    rejects(() => page.section('a', { render: () => '', data: {} }), /`data` to be a function/);
    rejects(
      () => page.section('a', { render: () => '', fallback: 'x' }),
      /`fallback` to be a function/,
    );
    rejects(() => page.section('a', null), /definition object, got null/);
  });

  test('bad names, options and unknown keys', () => {
    const page = loose(definePage(shell));
    for (const name of ['', '1a', 'a b', '"><x', '__proto__', 42, 'x'.repeat(65)]) {
      rejects(() => page.section(name, { render: () => '' }), /section name/);
    }
    rejects(
      () => page.section('a', { render: () => '', deadline: -1 }),
      /`deadline` to be a number of milliseconds > 0, got -1/,
    );
    rejects(() => page.section('a', { render: () => '', deadline: Number.NaN }), /`deadline`/);
    rejects(
      () => page.section('a', { render: () => '', late: 'later' }),
      /`late` to be 'cancel' or 'finish'/,
    );
    rejects(
      () => page.section('a', { render: () => '', primary: 'yes' }),
      /`primary` to be a boolean/,
    );
    rejects(
      () => page.section('a', { render: () => '', placeholder: 3 }),
      /`placeholder` to be markup/,
    );
    rejects(
      () => page.section('a', { render: () => '', reder: () => '' }),
      /^Unknown option "reder" in section "a" — did you mean "render"\?$/,
    );
  });

  test('bad page options', () => {
    const define = definePage as (options: unknown) => unknown;
    rejects(() => define(undefined), /`options` to be an object/);
    rejects(() => define({}), /`head` to be markup or a function/);
    rejects(() => define({ head: '', tail: 1 }), /`tail`/);
    rejects(
      () => define({ head: '', mode: 'sideways' }),
      /`mode` to be 'in-order' or 'out-of-order'/,
    );
    rejects(() => define({ head: '', budget: 0 }), /`budget`/);
    rejects(() => define({ head: '', session: {} }), /`session` to be a FuturesSession/);
    rejects(() => define({ head: '', errorPage: '<h1>' }), /`errorPage` to be a function/);
    rejects(() => define({ head: '', name: '' }), /`name`/);
  });

  test('a definition error leaves the page it was called on unchanged', () => {
    const page = definePage(shell).section('a', { render: () => 'a' });
    rejects(() => loose(page).section('a', { render: () => '' }), /already defined/);
    assert.deepEqual(page.sectionNames, ['a']);
  });

  test('rendering without a session, with no sections or a bad mode fails clearly', async (t) => {
    rejects(() => definePage(shell).render(), /has no sections/);
    const page = definePage(shell).section('a', { render: () => 'a' });
    assert.throws(() => page.render(), InvalidOptionError);
    const session = new FuturesSession();
    t.after(() => session.close());
    rejects(
      () => page.render({ session, mode: 'fast' as 'in-order' }),
      /`mode` to be 'in-order' or 'out-of-order', got "fast"/,
    );
    assert.throws(() => page.render({ session, trace: {} as never }), InvalidOptionError);
  });
});
