import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CancelledError,
  DependencyError,
  definePage,
  type Future,
  FuturesSession,
  html,
  type SectionFailure,
  TimeoutError,
} from '../../src/index.ts';
import { freezeClock } from '../helpers/clock.ts';
import { deferred } from '../helpers/server.ts';
import { get, startBackend, startPageServer } from './fixtures.ts';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('fallbacks are told a timeout from an error (fake clock)', () => {
  test('the deadline fires exactly when scheduled; an error falls back at once', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const session = new FuturesSession();
    t.after(() => session.close());
    const failures: SectionFailure[] = [];
    const fallback = (failure: SectionFailure) => {
      failures.push(failure);
      return html`[${failure.section}: ${failure.reason}]`;
    };
    const page = definePage({ head: '', session, fallback })
      .section('broken', { data: () => Promise.reject(new Error('down')), render: () => 'never' })
      .section('slow', {
        deadline: 1_000,
        data: () => new Promise(() => {}),
        render: () => 'never',
      });
    const rendering = page.render();
    const text = rendering.text();
    await turn();
    assert.deepEqual(
      failures.map((failure) => [failure.section, failure.reason]),
      [['broken', 'error']],
    );
    t.mock.timers.tick(999);
    await turn();
    assert.equal(failures.length, 1, 'not late before its deadline');
    t.mock.timers.tick(1);
    assert.equal(await text, '[broken: error][slow: timeout]');
    const slow = failures[1];
    assert.ok(slow?.error instanceof TimeoutError);
    assert.equal(slow.error.timeout, 1_000);
    assert.equal((failures[0]?.error as Error | undefined)?.message, 'down');
  });

  test('the page deadline applies to sections without one, and the budget bounds both', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const session = new FuturesSession();
    t.after(() => session.close());
    const never = () => new Promise<never>(() => {});
    const page = definePage({ head: '', session, deadline: 500, budget: 300 })
      .section('b', { deadline: 100, data: never, render: () => '', fallback: () => 'b' })
      .section('a', { data: never, render: () => '', fallback: () => 'a' });
    const rendering = page.render();
    const text = rendering.text();
    const flushed = async () => {
      await turn();
      return rendering.sections().map((record) => `${record.name} ${record.outcome}`);
    };
    t.mock.timers.tick(99);
    assert.deepEqual(await flushed(), []);
    t.mock.timers.tick(1);
    assert.deepEqual(await flushed(), ['b timeout']);
    t.mock.timers.tick(199);
    assert.deepEqual(await flushed(), ['b timeout'], 'a waits for the budget');
    t.mock.timers.tick(1);
    assert.equal(await text, 'ba');
    assert.deepEqual(
      await flushed(),
      ['b timeout', 'a timeout'],
      'the budget, not the page deadline',
    );
  });
});

describe('dependencies of a late section', () => {
  test('a section depending on a late one falls back as late too (fake clock)', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const session = new FuturesSession();
    t.after(() => session.close());
    const failures: SectionFailure[] = [];
    const fallback = (failure: SectionFailure) => {
      failures.push(failure);
      return `[${failure.section} ${failure.reason}]`;
    };
    const page = definePage({ head: '', session, fallback })
      .section('user', {
        deadline: 100,
        data: () => new Promise<string>(() => {}),
        render: () => '',
      })
      .section('recs', { after: ['user'], data: ({ user }) => user.length, render: () => '' });
    const text = page.render().text();
    t.mock.timers.tick(100);
    assert.equal(await text, '[user timeout][recs timeout]');
    const recs = failures[1]?.error;
    assert.ok(recs instanceof DependencyError);
    assert.deepEqual(recs.chain, ['recs', 'user']);
  });
});

describe('late requests: cancelled or left to finish', () => {
  test("late: 'cancel' (the default) aborts the late section's request", async (t) => {
    const backend = await startBackend(t);
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const page = definePage({ head: '', session: backend.session }).section('slow', {
      deadline: 1_000,
      data: (_, { json }) => json('/slow'),
      render: () => 'never',
      fallback: ({ reason }) => reason,
    });
    const text = page.render().text();
    await backend.log('slow').arrived.promise;
    t.mock.timers.tick(1_000);
    assert.equal(await text, 'timeout');
    await backend.log('slow').aborted.promise;
  });

  test("late: 'finish' renders the fallback and lets the request complete", async (t) => {
    const backend = await startBackend(t);
    let future: Future<unknown> | undefined;
    let signal: AbortSignal | undefined;
    const page = definePage({ head: '', session: backend.session, late: 'finish' }).section(
      'slow',
      {
        deadline: 20,
        data: (_, context) => {
          signal = context.signal;
          future = context.json('/slow');
          return future;
        },
        render: () => 'never',
        fallback: ({ reason }) => reason,
      },
    );
    assert.equal((await page.renderToString()).body, 'timeout');
    assert.equal(signal?.aborted, false);
    backend.release('slow');
    assert.deepEqual(await future, { name: 'slow' });
  });
});

describe('the page budget bounds every request', () => {
  test('a request runs out with the budget (TimeoutError, phase deadline), even when left to finish', {
    timeout: 10_000,
  }, async (t) => {
    const backend = await startBackend(t);
    t.mock.timers.enable({ apis: ['setTimeout'] });
    // Stopped, the clock leaves the section the whole budget, and its request the same 30 ms.
    freezeClock(t);
    let future: Future<unknown> | undefined;
    let remaining = Number.NaN;
    const page = definePage({
      head: '',
      session: backend.session,
      budget: 30,
      late: 'finish',
    }).section('slow', {
      data: (_, context) => {
        remaining = context.remaining();
        future = context.json('/slow');
        return future;
      },
      render: () => 'never',
      fallback: ({ reason }) => reason,
    });
    const rendered = page.renderToString();
    await backend.log('slow').arrived.promise;
    assert.equal(remaining, 30);
    t.mock.timers.tick(29);
    assert.equal(future?.done(), false, 'still running a millisecond before the budget ends');
    t.mock.timers.tick(1);
    assert.equal((await rendered).body, 'timeout');
    const error = await future?.exception();
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.phase, 'deadline');
    assert.equal(error.timeout, 30);
    await backend.log('slow').aborted.promise;
  });

  test('a request made once the budget is spent fails at once', { timeout: 10_000 }, async (t) => {
    const backend = await startBackend(t);
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const clock = freezeClock(t);
    const started = deferred();
    const go = deferred();
    // Boxed: resolving a deferred with a future would adopt it.
    const made = deferred<{ future: Future<unknown> }>();
    const page = definePage({
      head: '',
      session: backend.session,
      budget: 20,
      late: 'finish',
    }).section('later', {
      data: async (_, context) => {
        started.resolve();
        await go.promise;
        const future = context.get('/later');
        made.resolve({ future });
        return future;
      },
      render: () => 'never',
      fallback: ({ reason }) => reason,
    });
    const rendered = page.renderToString();
    await started.promise;
    clock.advance(20);
    t.mock.timers.tick(20);
    assert.equal((await rendered).body, 'timeout');
    go.resolve();
    // No timer moves from here on: the request fails without one.
    const error = await (await made.promise).future.exception();
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.phase, 'deadline');
  });

  test('without a budget, remaining() is Infinity and requests keep their own timeouts', async (t) => {
    const backend = await startBackend(t);
    backend.release('a');
    let remaining = 0;
    const page = definePage({ head: '', session: backend.session }).section('a', {
      data: (_, context) => {
        remaining = context.remaining();
        return context.json<{ name: string }>('/a', { timeout: 5_000 });
      },
      render: (data) => data.name,
    });
    assert.equal((await page.renderToString()).body, 'a');
    assert.equal(remaining, Number.POSITIVE_INFINITY);
  });
});

describe('aborting a rendering cancels its requests', () => {
  test('the client disconnecting mid-stream cancels the sections still waiting', async (t) => {
    const backend = await startBackend(t);
    const page = definePage({ head: '<body>', session: backend.session })
      .section('a', { data: (_, { json }) => json('/a'), render: () => '<p>a</p>' })
      .section('b', { data: (_, { json }) => json('/b'), render: () => '<p>b</p>' });
    const { origin } = await startPageServer(t, page);
    const response = await get(origin);
    backend.release('a');
    await response.body.until('<p>a</p>');
    response.abort();
    await backend.log('b').aborted.promise;
  });

  test('the signal aborts: pending sections fall back with a CancelledError', async (t) => {
    const backend = await startBackend(t);
    const controller = new AbortController();
    let failure: SectionFailure | undefined;
    const page = definePage({ head: '', session: backend.session }).section('a', {
      data: (_, { json }) => json('/a'),
      render: () => 'never',
      fallback: (state) => {
        failure = state;
        return 'gone';
      },
    });
    const text = page.render({ signal: controller.signal }).text();
    await backend.log('a').arrived.promise;
    controller.abort();
    assert.equal(await text, 'gone');
    assert.ok(failure?.error instanceof CancelledError);
    assert.equal(failure.reason, 'error');
    await backend.log('a').aborted.promise;
  });

  test('leaving the loop early cancels the requests still running', async (t) => {
    const backend = await startBackend(t);
    const page = definePage({ head: '<body>', session: backend.session }).section('a', {
      data: (_, { json }) => json('/a'),
      render: () => 'a',
    });
    const rendering = page.render();
    await backend.log('a').arrived.promise;
    for await (const chunk of rendering) {
      assert.equal(chunk, '<body>');
      break;
    }
    await backend.log('a').aborted.promise;
  });

  test('an already aborted signal renders every section with its fallback at once', async (t) => {
    const backend = await startBackend(t);
    const page = definePage({ head: '', session: backend.session }).section('a', {
      data: (_, { json }) => json('/a'),
      render: () => 'never',
      fallback: ({ error }) => (error instanceof CancelledError ? 'cancelled' : 'other'),
    });
    assert.equal(await page.render({ signal: AbortSignal.abort() }).text(), 'cancelled');
  });
});
