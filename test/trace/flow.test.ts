import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flowObservation } from '../../src/flow/observer.ts';
import { FuturesSession, flow, Trace } from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';

describe('flows in the trace', () => {
  // Runs first in this process: no Trace exists yet.
  test('until the first Trace exists, starting a flow asks no observer', async () => {
    assert.equal(flowObservation.observe, undefined);
    assert.equal(
      await flow()
        .step('a', () => 1)
        .start().steps.a,
      1,
    );
    assert.equal(flowObservation.observe, undefined);
  });

  test("a flow started in a trace appears in its summary, on the trace's clock, with its requests", async (t) => {
    const server = await startServer(t, (request, response) => {
      if (request.url === '/me') response.writeHead(200).end('{"id":7}');
      else if (request.url === '/broken') response.writeHead(503).end();
      else response.writeHead(200).end('[]');
    });
    await using s = new FuturesSession({ baseURL: server.origin, retry: false });
    const trace = new Trace({ name: 'page' });
    const running = await trace.run(async () => {
      const started = flow({ name: 'home' })
        .step('user', () => s.get('/me'))
        // Starts from the callback that settles the /me future (undici's context): its request
        // must still join the trace.
        .step('orders', ['user'], ({ user }) =>
          s.get(`/orders?u=${user.json<{ id: number }>().id}`),
        )
        .step('broken', () => s.get('/broken'))
        .step('receipt', ['broken'], () => 1)
        .start();
      await started.onDone();
      return started;
    });
    trace.end();
    const summary = trace.summary();
    assert.equal(summary.flows.length, 1);
    const [home] = summary.flows;
    assert.equal(home?.name, 'home');
    assert.deepEqual(home?.criticalPath, running.report().criticalPath);
    assert.deepEqual(
      home?.steps.map((step) => [step.name, step.outcome, step.error]),
      [
        ['user', 'ok', undefined],
        ['orders', 'ok', undefined],
        ['broken', 'failed', 'FANOUT_HTTP_STATUS'],
        ['receipt', 'failed', 'FANOUT_DEPENDENCY'],
      ],
    );
    const started = home?.started as number;
    assert.ok(started >= 0 && started <= trace.wallTime);
    const user = home?.steps[0];
    const ownUser = running.report().steps[0];
    assert.equal(user?.started, (ownUser?.started as number) + started);
    assert.equal(user?.finished, (ownUser?.finished as number) + started);
    assert.deepEqual(trace.requests.map((record) => new URL(record.url).pathname).sort(), [
      '/broken',
      '/me',
      '/orders',
    ]);
    assert.doesNotThrow(() => JSON.stringify(summary));
  });

  test("a dependent step's request joins the flow's trace even when its dependency's future settles in another context", async (t) => {
    const held = deferred<() => void>();
    const server = await startServer(t, (request, response) => {
      if (request.url === '/hold') held.resolve(() => response.writeHead(200).end('held'));
      else response.writeHead(200).end('{"id":7}');
    });
    // One worker: /me waits behind /hold, and the executor starts it from /hold's completion,
    // outside the trace.
    await using s = new FuturesSession({ baseURL: server.origin, retry: false, maxWorkers: 1 });
    const hold = s.get('/hold');
    const trace = new Trace();
    const running = trace.run(() =>
      flow()
        .step('user', () => s.get('/me'))
        .step('orders', ['user'], () => s.get('/orders'))
        .start(),
    );
    (await held.promise)();
    await hold;
    await running.onDone();
    assert.deepEqual(
      trace.requests.map((record) => new URL(record.url).pathname),
      ['/me', '/orders'],
    );
  });

  test('a flow started outside any trace is recorded nowhere; concurrent traces keep their own', async () => {
    const first = new Trace({ name: 'first' });
    const second = new Trace({ name: 'second' });
    flow({ name: 'outside' })
      .step('a', () => 1)
      .start();
    await Promise.all([
      first.run(() =>
        flow({ name: 'one' })
          .step('a', async () => 1)
          .start()
          .onDone(),
      ),
      second.run(() =>
        flow({ name: 'two' })
          .step('b', async () => 2)
          .start()
          .onDone(),
      ),
    ]);
    assert.deepEqual(
      first.summary().flows.map((f) => f.name),
      ['one'],
    );
    assert.deepEqual(
      second.summary().flows.map((f) => f.name),
      ['two'],
    );
  });
});
