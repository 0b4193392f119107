import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DependencyError,
  FuturesSession,
  flow,
  HTTPError,
  isFanoutError,
  type Response,
} from '../../src/index.ts';
import { captureWarnings, collectGarbageUntil } from '../futures/helpers.ts';
import { startServer } from '../helpers/server.ts';

describe('flow failures', () => {
  test('a failed step fails its dependents with a DependencyError naming the chain; independent steps go on', async (t) => {
    const server = await startServer(t, (request, response) => {
      if (request.url === '/me') response.writeHead(503).end('down');
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await using s = new FuturesSession({ baseURL: server.origin, retry: false });
    const running = flow({ name: 'home' })
      .step('user', () => s.get('/me'))
      .step('orders', ['user'], ({ user }) => s.get(`/orders?u=${user.json<{ id: number }>().id}`))
      .step('receipt', ['orders'], ({ orders }) => orders.status)
      .step('weather', () => s.get('/weather'))
      .start();
    const userError = await running.steps.user.exception();
    assert.ok(userError instanceof HTTPError);
    assert.equal(userError.response.status, 503);

    const ordersError = await running.steps.orders.exception();
    assert.ok(ordersError instanceof DependencyError);
    assert.equal(ordersError.code, 'FANOUT_DEPENDENCY');
    assert.ok(isFanoutError(ordersError));
    assert.deepEqual(ordersError.chain, ['orders', 'user']);
    assert.equal(ordersError.rootCause, userError);
    assert.equal(ordersError.cause, userError);
    assert.equal(
      ordersError.message,
      `orders ← user: HTTP 503 Service Unavailable: GET ${server.origin}/me`,
    );

    const receiptError = await running.steps.receipt.exception();
    assert.ok(receiptError instanceof DependencyError);
    assert.deepEqual(receiptError.chain, ['receipt', 'orders', 'user']);
    assert.equal(receiptError.rootCause, userError);
    assert.match(receiptError.message, /^receipt ← orders ← user: HTTP 503/);

    const weather = await running.steps.weather;
    assert.equal(weather.status, 200);
    await running.onDone();
    const report = running.report();
    assert.deepEqual(
      report.steps.map((step) => [step.name, step.outcome, step.started === undefined]),
      [
        ['user', 'failed', false],
        ['orders', 'failed', true],
        ['receipt', 'failed', true],
        ['weather', 'ok', false],
      ],
    );
  });

  test('with raiseForStatus: false a 4xx/5xx Response is a value like any other', async (t) => {
    const server = await startServer(t, (_request, response) => {
      response.writeHead(404).end();
    });
    await using s = new FuturesSession({ baseURL: server.origin, retry: false });
    const running = flow({ raiseForStatus: false })
      .step('missing', () => s.get('/x'))
      .step('status', ['missing'], ({ missing }) => missing.status)
      .step('strict', () => s.get('/y'), { raiseForStatus: true })
      .start();
    assert.equal(await running.steps.status, 404);
    assert.ok((await running.steps.strict.exception()) instanceof HTTPError);
  });

  test('a thrown error, a rejected promise and a failed Future all fail the step', async () => {
    const running = flow()
      .step('thrown', () => {
        throw new Error('thrown');
      })
      .step('rejected', async () => {
        throw new Error('rejected');
      })
      .step('notError', () => Promise.reject('a string'))
      .step('dependent', ['notError'], () => 1)
      .start();
    assert.equal(((await running.steps.thrown.exception()) as Error).message, 'thrown');
    assert.equal(((await running.steps.rejected.exception()) as Error).message, 'rejected');
    assert.equal(await running.steps.notError.exception(), 'a string');
    assert.equal(
      ((await running.steps.dependent.exception()) as Error).message,
      'dependent ← notError: a string',
    );
  });

  test('a dependent fails as soon as one dependency fails, without waiting for the others', async () => {
    const running = flow()
      .step('slow', () => new Promise<number>(() => {}))
      .step('broken', async () => {
        throw new Error('broken');
      })
      .step('both', ['slow', 'broken'], () => 1)
      .start();
    assert.deepEqual(((await running.steps.both.exception()) as DependencyError).chain, [
      'both',
      'broken',
    ]);
    assert.equal(running.steps.slow.running(), true);
    running.cancel();
  });
});

describe('flow failures and unretrieved errors', () => {
  test('a failure carried on by a DependencyError is reported once, by the step nobody awaited', async () => {
    const captured = captureWarnings();
    try {
      await (async () => {
        const running = flow()
          .step('root', () => Promise.reject(new Error('root cause')))
          .step('middle', ['root'], () => 1)
          .step('leaf', ['middle'], () => 2)
          .start();
        await running.onDone();
      })();
      await collectGarbageUntil(() => captured.warnings.length > 0);
      await collectGarbageUntil(() => false, 5);
    } finally {
      captured.restore();
    }
    const unretrieved = captured.warnings.filter((w) => w.code === 'FANOUT_UNRETRIEVED');
    assert.equal(unretrieved.length, 1);
    assert.match(unretrieved[0]?.message ?? '', /leaf ← middle ← root: root cause/);
  });
});

describe('flow fallbacks', () => {
  test('a fallback value replaces a failed step, and its dependents run with it', async () => {
    const running = flow()
      .step(
        'recs',
        async (): Promise<string[]> => {
          throw new Error('recs down');
        },
        { fallback: [] },
      )
      .step('count', ['recs'], ({ recs }) => recs.length)
      .start();
    assert.deepEqual(await running.steps.recs, []);
    assert.equal(await running.steps.count, 0);
    await running.onDone();
    const [recs, count] = running.report().steps;
    assert.equal(recs?.outcome, 'fallback');
    assert.equal((recs?.error as Error | undefined)?.message, 'recs down');
    assert.equal(count?.outcome, 'ok');
  });

  test('a fallback also covers a failed dependency (the step itself never runs)', async () => {
    let ran = false;
    const running = flow()
      .step('user', () => {
        throw new Error('no user');
      })
      .step(
        'greeting',
        ['user'],
        () => {
          ran = true;
          return 'hello, user';
        },
        { fallback: 'hello, guest' },
      )
      .step('page', ['greeting'], ({ greeting }) => `<h1>${greeting}</h1>`)
      .start();
    assert.equal(await running.steps.page, '<h1>hello, guest</h1>');
    assert.equal(ran, false);
    const greeting = running.report().steps[1];
    assert.equal(greeting?.outcome, 'fallback');
    assert.ok(greeting?.error instanceof DependencyError);
  });

  test('a fallback function is called with the step and the error, and may be async', async () => {
    const states: unknown[] = [];
    const failure = new Error('nope');
    const running = flow()
      .step('a', () => Promise.reject(failure), {
        fallback: async (state) => {
          states.push(state);
          return 'recovered';
        },
      })
      .step('b', ['a'], ({ a }) => a.toUpperCase())
      .start();
    assert.equal(await running.steps.b, 'RECOVERED');
    assert.deepEqual(states, [{ step: 'a', error: failure }]);
  });

  test('undefined is a valid fallback value', async () => {
    const running = flow()
      .step('a', () => Promise.reject(new Error('x')), { fallback: undefined })
      .start();
    assert.equal(await running.steps.a, undefined);
  });

  test('a fallback function that throws fails the step with its own error', async () => {
    const running = flow()
      .step('a', () => Promise.reject(new Error('first')), {
        fallback: () => {
          throw new Error('fallback failed too');
        },
      })
      .step('b', ['a'], () => 1)
      .start();
    assert.equal(((await running.steps.a.exception()) as Error).message, 'fallback failed too');
    assert.equal(
      ((await running.steps.b.exception()) as Error).message,
      'b ← a: fallback failed too',
    );
    assert.equal(running.report().steps[0]?.outcome, 'failed');
  });

  test('a 5xx Response takes the fallback', async (t) => {
    const server = await startServer(t, (_request, response) => {
      response.writeHead(500).end();
    });
    await using s = new FuturesSession({ baseURL: server.origin, retry: false });
    const running = flow()
      .step('recs', () => s.get('/recs'), { fallback: null })
      .start();
    const recs: Response | null = await running.steps.recs;
    assert.equal(recs, null);
  });
});
