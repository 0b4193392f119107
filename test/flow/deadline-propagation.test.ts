import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FuturesSession, flow, type SessionPolicy } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';

/** A session whose policy notes, for every attempt, the ms left before the call's deadline. */
async function openWatched(t: Parameters<typeof startServer>[0]) {
  const server = await startServer(t, (request, response) => {
    request.resume();
    response.end('ok');
  });
  const remaining: number[] = [];
  const watch: SessionPolicy = {
    name: 'watch',
    attempt(state, next) {
      remaining.push(state.remaining());
      return next(state.request);
    },
  };
  // No total timeout: the only deadline a call can have is the flow's.
  const session = new FuturesSession({
    baseURL: server.origin,
    timeout: { total: false },
    policies: [watch],
  });
  t.after(() => session.close());
  return { session, remaining };
}

test("a step's requests end by the step's deadline, or the flow's when it is sooner", async (t) => {
  const { session, remaining } = await openWatched(t);
  const running = flow()
    .step('own', () => session.get('/own'), { deadline: 5_000 })
    .step('flows', () => session.get('/flows'))
    .step('sooner', () => session.get('/sooner'), { deadline: 60_000 })
    .start({ deadline: 20_000 });
  await running.steps.own;
  await running.steps.flows;
  await running.steps.sooner;
  const [own, flows, sooner] = remaining as [number, number, number];
  assert.ok(own > 4_000 && own <= 5_000, `own step deadline: ${own} ms left`);
  assert.ok(flows > 19_000 && flows <= 20_000, `flow deadline: ${flows} ms left`);
  assert.ok(sooner > 19_000 && sooner <= 20_000, `the flow's, sooner than the step's: ${sooner}`);
});

test('requests of a flow without deadlines, or made outside it, get none', async (t) => {
  const { session, remaining } = await openWatched(t);
  await flow()
    .step('free', () => session.get('/free'))
    .start().steps.free;
  await session.get('/outside');
  assert.deepEqual(remaining, [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
});
