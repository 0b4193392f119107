import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { inspect } from 'node:util';
import { CancelledError, Executor, Future, FuturesSession, TimeoutError } from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';

const TOKEN = 'tok-5ecret-value';
const BEARER = 'Bearer auth-5ecret-value';
const SECRETS = new RegExp(`${TOKEN}|${BEARER}|5ecret`);
// One line, whatever its length: the tests read the fields, not the line breaking.
const WIDE = { breakLength: Number.POSITIVE_INFINITY };
const MS = String.raw`\d+(?:\.\d)? ms`;

/** A server that holds `/held` until `release`, and answers everything else with JSON at once. */
async function holdingServer(t: TestContext) {
  const release = deferred();
  const arrived = deferred();
  const server = await startServer(t, async (request, response) => {
    if (request.url?.includes('/held')) {
      arrived.resolve();
      await release.promise;
    }
    response.setHeader('content-type', 'application/json');
    response.end('{"ok":true}');
  });
  return { ...server, release: () => release.resolve(), arrived: arrived.promise };
}

test('a request future prints its state, method, redacted URL and age, then its response', async (t) => {
  const server = await holdingServer(t);
  const session = new FuturesSession({
    baseURL: server.origin,
    maxWorkers: 1,
    headers: { authorization: BEARER },
  });
  t.after(() => session.close());
  const running = session.get(`/held?token=${TOKEN}`);
  const queued = session.get(`/next?page=2&token=${TOKEN}`);
  await server.arrived;
  const url = `${server.origin}/held?token=REDACTED`;
  assert.match(
    inspect(running, WIDE),
    new RegExp(`^Future <running> GET ${escapeRegExp(url)} \\{ elapsed: ${MS} \\}$`),
  );
  assert.match(
    inspect(queued, WIDE),
    new RegExp(
      `^Future <pending> GET ${escapeRegExp(`${server.origin}/next?page=2&token=REDACTED`)} `,
    ),
  );
  server.release();
  await Promise.all([running, queued]);
  const done = inspect(running, WIDE);
  assert.match(
    done,
    new RegExp(
      `^Future <fulfilled> \\{ value: Response 200 OK GET ${escapeRegExp(url)} \\{ type: 'application/json', bytes: 11, elapsed: ${MS} \\} \\}$`,
    ),
  );
  for (const shown of [done, inspect(queued), inspect(session)]) {
    assert.doesNotMatch(shown, SECRETS);
  }
});

test('a failed or cancelled future prints its error in one line, without its stack', async () => {
  const failed = Future.reject(new TimeoutError({ phase: 'result', timeout: 5 }));
  assert.equal(
    inspect(failed),
    'Future <rejected> {\n' +
      '  error: TimeoutError [FANOUT_TIMEOUT]: Timed out after 5 ms (phase: result, limit: timeout of the wait)\n' +
      '}',
  );
  await failed.exception();
  const executor = new Executor({ maxWorkers: 1 });
  const hold = deferred();
  const first = executor.submit(() => hold.promise);
  const second = executor.submit(() => 2);
  assert.equal(inspect(first), 'Future <running>');
  assert.equal(inspect(second), 'Future <pending>');
  second.cancel();
  assert.equal(
    inspect(second),
    'Future <cancelled> { reason: CancelledError [FANOUT_CANCELLED]: The future was cancelled }',
  );
  assert.ok((await second.exception().catch((error) => error)) instanceof CancelledError);
  hold.resolve();
  await first;
  assert.equal(inspect(first), 'Future <fulfilled> { value: undefined }');
  assert.equal(inspect(Future.resolve({ id: 1 })), 'Future <fulfilled> { value: { id: 1 } }');
  await executor.shutdown();
});

test('a future honours depth and stylize', async () => {
  const future = Future.resolve({ deep: { deeper: 1 } });
  assert.equal(inspect(future, { depth: 0 }), 'Future <fulfilled> { value: [Object] }');
  assert.equal(inspect({ a: future }, { depth: 0 }), '{ a: [Future <fulfilled>] }');
  assert.equal(
    inspect(future, { colors: true }),
    // <fulfilled> in the 'special' style (cyan), the number in the 'number' style (yellow).
    'Future \x1b[36m<fulfilled>\x1b[39m { value: { deep: { deeper: \x1b[33m1\x1b[39m } } }',
  );
});

test('a FuturesSession prints its base URL, limits, in-flight and queued counts, and closed', async (t) => {
  const server = await holdingServer(t);
  const session = new FuturesSession({
    baseURL: `${server.origin}/api`,
    maxWorkers: 1,
    maxQueued: 5,
    headers: { authorization: BEARER },
  });
  assert.equal(
    inspect(session),
    `FuturesSession ${server.origin}/api { maxWorkers: 1, maxQueued: 5, active: 0, queued: 0, closed: false }`,
  );
  const held = session.get(`/held?token=${TOKEN}`);
  session.get(`/other?token=${TOKEN}`);
  await server.arrived;
  assert.equal(
    inspect(session),
    `FuturesSession ${server.origin}/api { maxWorkers: 1, maxQueued: 5, active: 1, queued: 1, closed: false }`,
  );
  assert.doesNotMatch(inspect(session, { depth: 10, showHidden: true }), SECRETS);
  server.release();
  await held;
  await session.close();
  assert.match(inspect(session), /active: 0, queued: 0, closed: true \}$/);
  assert.equal(
    inspect({ s: session }, { depth: 0 }),
    `{ s: [FuturesSession ${server.origin}/api] }`,
  );
});

test('an Executor prints its limits and counts', async () => {
  const executor = new Executor({ maxWorkers: 2 });
  const hold = deferred();
  const task = executor.submit(() => hold.promise);
  assert.equal(
    inspect(executor),
    'Executor { maxWorkers: 2, active: 1, queued: 0, completed: 0, shutdown: false }',
  );
  hold.resolve();
  await task;
  await executor.shutdown();
  assert.equal(
    inspect(executor),
    'Executor { maxWorkers: 2, active: 0, queued: 0, completed: 1, shutdown: true }',
  );
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
