import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FuturesSession, flow, InvalidOptionError, Trace } from '../../src/index.ts';
import type { FlowSummary } from '../../src/trace/flow-record.ts';
import { unsentRequests } from '../../src/trace/unsent.ts';
import { requestOutcome, unrunStepOutcome } from '../../src/trace/waterfall-outcome.ts';
import { startServer } from '../helpers/server.ts';

describe('requestOutcome', () => {
  test('a response is a success below 400 and an http-error from 400, whatever the session did', () => {
    assert.equal(requestOutcome({ outcome: 'ok', status: 200 }), 'success');
    assert.equal(requestOutcome({ outcome: 'ok', status: 304 }), 'success');
    assert.equal(requestOutcome({ outcome: 'ok', status: 399 }), 'success');
    assert.equal(requestOutcome({ outcome: 'ok', status: 400 }), 'http-error');
    assert.equal(requestOutcome({ outcome: 'ok', status: 503 }), 'http-error');
  });

  test('no response is an error, a cancelled call cancelled, an open one pending', () => {
    assert.equal(requestOutcome({ outcome: 'error', status: undefined }), 'error');
    // Headers came, then the body failed: still an error, not the status's colour.
    assert.equal(requestOutcome({ outcome: 'error', status: 200 }), 'error');
    assert.equal(requestOutcome({ outcome: 'cancelled', status: undefined }), 'cancelled');
    assert.equal(requestOutcome({ outcome: 'pending', status: undefined }), 'pending');
  });
});

describe('unrunStepOutcome and unsentRequests', () => {
  const step = (name: string, outcome: string, error?: string) => ({
    name,
    after: [],
    outcome: outcome as FlowSummary['steps'][number]['outcome'],
    queued: 1,
    started: undefined,
    finished: 4,
    ...(error === undefined ? {} : { error }),
  });

  test('a step that never ran is skipped, cancelled, or pending while it still waits', () => {
    assert.equal(unrunStepOutcome(step('a', 'failed', 'FANOUT_DEPENDENCY')), 'skipped');
    assert.equal(unrunStepOutcome(step('a', 'fallback', 'FANOUT_DEPENDENCY')), 'skipped');
    assert.equal(unrunStepOutcome(step('a', 'timedOut', 'FANOUT_DEADLINE')), 'skipped');
    assert.equal(unrunStepOutcome(step('a', 'failed', 'FANOUT_CANCELLED')), 'cancelled');
    assert.equal(unrunStepOutcome(step('a', 'cancelled')), 'cancelled');
    assert.equal(unrunStepOutcome(step('a', 'waiting')), 'pending');
  });

  test('lists the steps that never ran, then the recorded skips, each with its reason', () => {
    const ran = { ...step('user', 'failed', 'FANOUT_HTTP_STATUS'), started: 1 };
    const flows: FlowSummary[] = [
      {
        name: 'home',
        started: 0,
        wallTime: 4,
        criticalPath: [],
        steps: [ran, step('cart', 'failed', 'FANOUT_DEPENDENCY')],
      },
    ];
    const skips = [{ name: 'GET /api/orders', reason: 'needs the user', at: 7 }];
    assert.deepEqual(unsentRequests(flows, skips), [
      {
        label: 'step cart',
        detail: 'step cart of flow home never ran: a step it needs failed',
        outcome: 'skipped',
        from: 1,
        to: 4,
      },
      {
        label: 'GET /api/orders',
        detail: 'GET /api/orders was not sent: needs the user',
        outcome: 'skipped',
        from: 7,
        to: undefined,
      },
    ]);
  });
});

describe('waterfall() outcomes', () => {
  test('a 503 is drawn as an http-error, a skipped step and a recorded skip get rows, sums are named', async (t) => {
    const api = await startServer(t, (request, response) => {
      response.statusCode = request.url === '/user' ? 503 : 200;
      response.end('{}');
    });
    const session = new FuturesSession({ baseURL: api.origin, retry: false });
    t.after(() => session.close());
    const trace = new Trace({ name: 'home <page>' });
    await trace.run(async () => {
      const running = flow({ name: 'home' })
        .step('user', () => session.get('/user'))
        .step('cart', ['user'], () => session.get('/cart'))
        .step('weather', () => session.get('/weather'))
        .start();
      await assert.rejects(async () => {
        await running.steps.cart;
      });
      await running.steps.weather;
      trace.recordSkip('GET /orders <b>', 'needs the user & it failed');
    });
    trace.end();
    const html = trace.waterfall();

    const rows = [
      ...html.matchAll(/<g class="row ([\w -]+)" data-[\w-]+="\d+" data-outcome="([\w-]+)">/g),
    ];
    assert.deepEqual(
      rows.map((match) => match[2]),
      ['http-error', 'success', 'skipped', 'skipped'],
    );
    assert.match(rows[0]?.[1] ?? '', /outcome-http-error/);
    assert.match(html, /<text class="result"[^>]*>503<\/text>/);
    assert.match(html, /<title>#1 GET http:\/\/127\.0\.0\.1:\d+\/user\n4xx\/5xx response · 503 · /);
    assert.match(html, /step cart of flow home never ran: a step it needs failed/);
    // Everything the caller gave is escaped.
    assert.match(html, /GET \/orders &lt;b&gt; was not sent: needs the user &amp; it failed/);
    assert.ok(!html.includes('<b>,') && !html.includes('home <page>'));
    assert.match(html, /consumer blocked, summed over requests <b>/);
    assert.match(html, /2 requests \(and 2 never sent\)/);
    for (const outcome of ['success', 'http-error', 'error', 'cancelled', 'skipped']) {
      assert.match(
        html,
        new RegExp(`<li data-outcome="${outcome}"><span class="swatch so-${outcome}">`),
      );
    }
  });

  test('recordSkip refuses what is not a string', () => {
    const trace = new Trace();
    assert.throws(() => trace.recordSkip(1 as unknown as string, 'why'), InvalidOptionError);
    assert.throws(
      () => trace.recordSkip('GET /a', undefined as unknown as string),
      /Expected `reason` to be a string, got undefined \(undefined\)/,
    );
    assert.deepEqual(trace.skips, []);
  });
});
